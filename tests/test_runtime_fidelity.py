"""The fidelity gate: its log parser counts what Odoo 11's test runner reports;
``--with-soon`` builds its runs from scripts/modules.txt and runs the target's
tests only."""

import os
import tempfile
import unittest
from unittest import mock

from soon_testing import fidelity, paths

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


class TestFidelityWithSoon(unittest.TestCase):
    """``scripts/fidelity --with-soon``: Odoo's suites on a database holding the SoOn add-ons."""

    def test_modules_read_from_the_list(self):
        with tempfile.TemporaryDirectory() as root:
            os.mkdir(os.path.join(root, "scripts"))
            with open(os.path.join(root, "scripts", "modules.txt"), "w") as fp:
                fp.write("website_sale\n\n  soon_ecommerce_orders  \n# a comment\nsoon_refund  # split out\n")
            self.assertEqual(fidelity.soon_modules(root), ["website_sale", "soon_ecommerce_orders", "soon_refund"])

    def test_the_project_list_holds_the_addons(self):
        modules = fidelity.soon_modules(paths.project_root())
        self.assertIn("soon_ecommerce_orders", modules)
        self.assertIn("website_sale", modules)

    def test_stamp_follows_the_addons_files_not_their_tests(self):
        with tempfile.TemporaryDirectory() as root:
            addon = os.path.join(root, "soon_x")
            os.makedirs(os.path.join(addon, "tests"))
            for name, text in (("__manifest__.py", "{}"), ("models.py", "a = 1"), ("tests/test_a.py", "")):
                with open(os.path.join(addon, name), "w") as fp:
                    fp.write(text)
            first = fidelity._soon_stamp(root, ["website_sale", "soon_x"])
            with open(os.path.join(addon, "tests", "test_a.py"), "w") as fp:
                fp.write("changed = True")
            self.assertEqual(fidelity._soon_stamp(root, ["website_sale", "soon_x"]), first)
            with open(os.path.join(addon, "models.py"), "w") as fp:
                fp.write("a = 2")
            self.assertNotEqual(fidelity._soon_stamp(root, ["website_sale", "soon_x"]), first)
            self.assertNotEqual(fidelity._soon_stamp(root, ["website_sale", "soon_x", "delivery"]), first)

    def test_commands(self):
        plain = fidelity.odoo_command("stock", "db1", 8123, "/d")
        self.assertEqual(plain[:3], ["soon-odoo", "-i", "stock"])
        soon = fidelity.odoo_command("stock", "db2", 8123, "/d", with_soon=True)
        self.assertEqual(soon[1:6], ["-m", "soon_testing.fidelity", "--odoo-tests-of=stock", "-u", "stock"])
        self.assertNotIn("-i", soon)
        for cmd in (plain, soon):
            self.assertIn("--test-enable", cmd)
            self.assertIn("--http-port=8123", cmd)
            self.assertIn("--data-dir=/d", cmd)
        self.assertEqual(soon[soon.index("-d") + 1], "db2")

    def test_full_registry_command(self):
        cmd = fidelity.odoo_command("stock", "db2", 8123, "/d", with_soon=True, full_registry=True)
        self.assertEqual(cmd[3:7], ["--odoo-tests-of=stock", "--full-registry", "-u", "stock"])
        self.assertNotIn("--full-registry", fidelity.odoo_command("stock", "db2", 8123, "/d", with_soon=True))
        with self.assertRaises(SystemExit), mock.patch("sys.stderr"):
            fidelity.main(["--full-registry", "--report", "stock"])  # only with --with-soon

    def test_odoo_tests_of_is_dispatched(self):
        with mock.patch.object(fidelity, "odoo_tests_of", return_value=0) as run:
            fidelity.main(["--odoo-tests-of=sale,stock", "-d", "db", "-u", "sale"])
        run.assert_called_once_with(["sale", "stock"], ["-d", "db", "-u", "sale"], full_registry=False)
        with mock.patch.object(fidelity, "odoo_tests_of", return_value=0) as run:
            fidelity.main(["--odoo-tests-of=sale", "--full-registry", "-d", "db"])
        run.assert_called_once_with(["sale"], ["-d", "db"], full_registry=True)

    def test_full_registry_runs_at_install_tests_after_the_install(self):
        import odoo.modules.module
        import odoo.service.server

        run_unit_tests = mock.Mock(return_value=True)
        with (
            mock.patch.object(odoo.modules.module, "run_unit_tests", run_unit_tests),
            mock.patch.object(odoo.service.server, "run_unit_tests", run_unit_tests),
        ):
            undo = fidelity.restrict_tests(["stock"], full_registry=True)
            try:
                # loading.py, while stock loads: nothing yet
                self.assertTrue(odoo.modules.module.run_unit_tests("stock", "db"))
                run_unit_tests.assert_not_called()
                # server.py, after the install: at-install and post-install tests alike
                odoo.service.server.run_unit_tests("stock", "db", position=odoo.modules.module.runs_post_install)
                position = run_unit_tests.call_args.kwargs["position"]
            finally:
                undo()

        class AtInstall(unittest.TestCase):
            at_install, post_install = True, False

            def test(self):
                pass

        class PostInstall(AtInstall):
            at_install, post_install = False, True

        class Neither(AtInstall):
            at_install, post_install = False, False

        self.assertTrue(position(AtInstall("test")))
        self.assertTrue(position(PostInstall("test")))
        self.assertFalse(position(Neither("test")))

    def test_only_the_targets_tests_run(self):
        import odoo.modules.module
        import odoo.service.server
        import odoo.tools

        run_unit_tests = mock.Mock(return_value=False)
        convert_file = mock.Mock(return_value="converted")
        with (
            mock.patch.object(odoo.modules.module, "run_unit_tests", run_unit_tests),
            mock.patch.object(odoo.service.server, "run_unit_tests", run_unit_tests),
            mock.patch.object(odoo.tools, "convert_file", convert_file),
        ):
            undo = fidelity.restrict_tests(["stock"])
            try:
                # another module updated with the target: its tests pass without running
                self.assertTrue(odoo.modules.module.run_unit_tests("soon_delivery_flow", "db"))
                self.assertTrue(odoo.service.server.run_unit_tests("sale_stock", "db", position=None))
                run_unit_tests.assert_not_called()
                # the target's tests run, their result counts
                self.assertFalse(odoo.service.server.run_unit_tests("stock", "db", position="post"))
                run_unit_tests.assert_called_once_with("stock", "db", position="post")
                # YAML tests: the target's only; data files of every module load
                self.assertIsNone(
                    odoo.tools.convert_file("cr", "stock_account", "test/a.yml", {}, "update", False, "test")
                )
                convert_file.assert_not_called()
                self.assertEqual(
                    odoo.tools.convert_file("cr", "stock", "test/b.yml", {}, "update", False, "test"), "converted"
                )
                self.assertEqual(
                    odoo.tools.convert_file("cr", "stock_account", "data/c.xml", {}, "update", False, "data"),
                    "converted",
                )
                self.assertEqual(convert_file.call_count, 2)
            finally:
                undo()
            self.assertIs(odoo.modules.module.run_unit_tests, run_unit_tests)
            self.assertIs(odoo.tools.convert_file, convert_file)

    def test_comparison_table(self):
        plain = fidelity.parse_log(LOG.splitlines(True), YAML)
        soon = fidelity.parse_log(LOG.splitlines(True), YAML)
        soon["modules"]["account"]["failures"] = 1
        text = fidelity.compare({"account": plain, "stock": plain}, {"account": soon}, ["account", "stock"])
        rows = {line.split("|")[1].strip(): line.split("|")[2:4] for line in text.splitlines() if line.startswith("| ")}
        self.assertEqual([c.strip() for c in rows["account"]], ["1 / 0 / 0", "1 / 1 / 0"])
        self.assertEqual([c.strip() for c in rows["stock"]], ["2 / 0 / 1", "-"])  # the two YAML tests

    def test_report_of_an_update_lists_the_target_only(self):
        run = dict(fidelity.parse_log(LOG.splitlines(True), YAML), returncode=1, started="2026-12-02 15:00", seconds=60)
        text, ok = fidelity.report({"website": run}, ["website"], verb="-u", others=False)
        self.assertFalse(ok)
        self.assertNotIn("account (in", text)
        self.assertIn("[-u website] FAIL odoo.addons.website.tests.test_ui.TestUi.test_admin_tour", text)
        self.assertIn("- `-u website`: 2026-12-02 15:00, 1m00s, exit 1", text)
