"""The fidelity gate's log parser counts what Odoo 11's test runner reports."""

import unittest

from soon_testing import fidelity

LOG = """\
2026-11-27 07:55:39,215 18677 INFO db odoo.modules.loading: loading 1 modules...
2026-11-27 07:56:53,457 18677 INFO db odoo.modules.module: odoo.addons.account.tests.test_fiscal_position running tests.
2026-11-27 07:56:53,457 18677 INFO db odoo.addons.account.tests.test_fiscal_position: test_10_fp_country (odoo.addons.account.tests.test_fiscal_position.TestFiscalPosition.test_10_fp_country)
2026-11-27 07:56:53,801 18677 INFO db odoo.addons.account.tests.test_fiscal_position: Ran 1 test in 0.344s
2026-11-27 07:56:53,801 18677 INFO db odoo.addons.account.tests.test_fiscal_position: OK
2026-11-27 07:56:53,802 18677 INFO db odoo.modules.module: odoo.addons.base_import.tests.test_base_import running tests.
2026-11-27 07:56:53,802 18677 INFO db odoo.addons.base_import.tests.test_base_import: Ran 2 tests in 0.1s
2026-11-27 07:56:53,802 18677 INFO db odoo.addons.base_import.tests.test_base_import: OK (skipped=1, expected failures=1)
2026-11-27 07:56:59,608 18677 INFO db odoo.modules.module: odoo.addons.website.tests.test_ui running tests.
2026-11-27 07:56:59,609 18677 INFO db odoo.addons.website.tests.test_ui: test_admin_tour (odoo.addons.website.tests.test_ui.TestUi.test_admin_tour)
2026-11-27 07:57:01,398 18677 ERROR ? werkzeug: Error on request:
Traceback (most recent call last):
  File "x.py", line 1, in <module>
ImportError: boom
2026-11-27 07:59:00,662 18677 ERROR db odoo.addons.website.tests.test_ui: FAIL
2026-11-27 07:59:00,662 18677 INFO db odoo.addons.website.tests.test_ui: test_skipped (odoo.addons.website.tests.test_ui.TestUi.test_skipped)
2026-11-27 07:59:00,662 18677 INFO db odoo.addons.website.tests.test_ui: skipped 'PhantomJS not found'
2026-11-27 07:59:00,662 18677 INFO db odoo.addons.website.tests.test_ui: test_other (odoo.addons.website.tests.test_ui.TestUi.test_other)
2026-11-27 07:59:00,662 18677 INFO db odoo.addons.website.tests.test_ui: skipped "can't test that"
2026-11-27 07:59:00,664 18677 INFO db odoo.addons.website.tests.test_ui: ======================================================================
2026-11-27 07:59:00,664 18677 ERROR db odoo.addons.website.tests.test_ui: FAIL: test_admin_tour (odoo.addons.website.tests.test_ui.TestUi.test_admin_tour)
2026-11-27 07:59:00,664 18677 ERROR db odoo.addons.website.tests.test_ui: Traceback (most recent call last):
2026-11-27 07:59:00,665 18677 ERROR db odoo.addons.website.tests.test_ui: `   File "test_ui.py", line 9, in test_admin_tour
2026-11-27 07:59:00,665 18677 ERROR db odoo.addons.website.tests.test_ui: ` AssertionError: Timeout waiting for ready condition
2026-11-27 07:59:00,665 18677 INFO db odoo.addons.website.tests.test_ui: Ran 3 tests in 121.056s
2026-11-27 07:59:00,665 18677 ERROR db odoo.addons.website.tests.test_ui: FAILED
2026-11-27 07:59:00,665 18677 INFO db odoo.addons.website.tests.test_ui:  (failures=1, skipped=2)
2026-11-27 07:59:00,665 18677 ERROR db odoo.modules.module: Module website: 1 failures, 0 errors
2026-11-27 08:00:00,000 18677 INFO db odoo.modules.loading: loading stock/test/stock_users.yml
2026-11-27 08:00:00,000 18677 INFO db odoo.modules.loading: loading stock/test/packing.yml
2026-11-27 08:00:01,000 18677 ERROR db odoo.tests: module stock: an exception occurred in a test
Traceback (most recent call last):
AssertionError: wrong quantity
2026-11-27 08:00:02,000 18677 INFO db odoo.service.server: All post-tested in 1.00s, 10 queries
"""

YAML = {"stock": {"test/stock_users.yml", "test/packing.yml"}}


class TestFidelityParser(unittest.TestCase):
    def setUp(self):
        self.result = fidelity.parse_log(LOG.splitlines(True), YAML)
        self.modules = self.result["modules"]

    def test_counts_per_module(self):
        account = self.modules["account"]
        self.assertEqual((account["run"], account["failures"], account["errors"], account["skipped"]), (1, 0, 0, 0))
        website = self.modules["website"]
        self.assertEqual((website["run"], website["failures"], website["errors"], website["skipped"]), (3, 1, 0, 2))
        self.assertEqual(website["browser_skips"], 1)
        self.assertEqual(website["skips"], ["PhantomJS not found", "can't test that"])

    def test_summary_on_one_line(self):
        counts = self.modules["base_import"]
        self.assertEqual((counts["run"], counts["skipped"], counts["failures"]), (2, 1, 0))

    def test_failure_text(self):
        (problem,) = self.modules["website"]["problems"]
        self.assertEqual(problem["kind"], "FAIL")
        self.assertEqual(problem["test"], "odoo.addons.website.tests.test_ui.TestUi.test_admin_tour")
        self.assertEqual(problem["text"][-1], "AssertionError: Timeout waiting for ready condition")

    def test_yaml_tests(self):
        stock = self.modules["stock"]
        self.assertEqual((stock["run"], stock["errors"]), (2, 1))
        self.assertEqual(stock["problems"][0]["test"], "test/packing.yml (YAML)")
        self.assertIn("AssertionError: wrong quantity", stock["problems"][0]["text"])

    def test_log_errors_outside_tests(self):
        self.assertTrue(self.result["finished"])
        (error,) = self.result["log_errors"]
        self.assertEqual(error["logger"], "werkzeug")
        self.assertEqual(error["module"], "website")  # raised while website's tests ran
        self.assertIn("ImportError: boom", error["text"])

    def test_report_table(self):
        run = dict(self.result, returncode=0, started="2026-11-27 07:55", seconds=300)
        text, ok = fidelity.report({"website": run}, ["website"])
        self.assertFalse(ok)
        self.assertIn("| website | ", text.replace("  ", " ").replace("  ", " "))
        self.assertIn("account (in -i website)", text)
        self.assertIn("FAIL odoo.addons.website.tests.test_ui.TestUi.test_admin_tour", text)
