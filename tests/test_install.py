"""The add-ons install cleanly: on the test database (its install log) and
from the Apps menu into a shop database that only has website_sale."""

import os
import re
import subprocess
import sys
import unittest
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: the applications a shop owner finds in the Apps menu
ADDONS = ("soon_ecommerce_orders", "soon_delivery_flow", "soon_returns")
#: installed with them (soon_returns' refund engine); the payment providers' add-ons are
#: not applications (one add-on per provider, as Odoo's payment_stripe): installed on demand
DEPENDENCIES = ("soon_payment_refund",)
# lines Odoo 11 itself logs on a clean install that are not problems
KNOWN_NOISE = ("Running as user 'root' is a security risk.",)


class TestInstall(unittest.TestCase):
    def test_install_log_has_no_warning_or_traceback(self):
        path = os.environ.get("SOON_INSTALL_LOG")
        if not path or not os.path.exists(path):
            self.skipTest("no install log (development database): run ./scripts/test")
        with open(path, encoding="utf-8") as fp:
            log = fp.read()
        problems = [
            line
            for line in log.splitlines()
            if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback", line)
            and not any(noise in line for noise in KNOWN_NOISE)
        ]
        self.assertEqual(problems, [])

    def test_install_from_apps_menu_into_an_existing_shop(self):
        """A shop running website_sale (with demo data) finds the three add-ons in
        the Apps menu (search "SoOn", default "Apps" filter) and installs them
        with its button (button_immediate_install)."""
        db = "soon_apps_%s" % uuid.uuid4().hex[:8]
        command = os.path.join(os.path.dirname(sys.executable), "soon-odoo")
        options = ["--data-dir=" + os.path.join(ROOT, ".soon", "data"), "-d", db, "--log-level=warn"]
        subprocess.run(["createdb", db], check=True)
        try:
            subprocess.run(
                [command] + options + ["-i", "website_sale", "--stop-after-init"],
                check=True,
                capture_output=True,
                timeout=1200,
            )
            # the shop owner types "SoOn" in the Apps menu, whose "Apps" filter is on by
            # default: the search view's own domains find the three add-ons
            script = (
                "from odoo.tools.safe_eval import safe_eval\n"
                "from lxml import etree\n"
                "Module = env['ir.module.module']\n"
                "Module.update_list()\n"
                "env.cr.commit()\n"
                "arch = etree.fromstring(env.ref('base.view_module_filter').arch)\n"
                "typed = safe_eval(arch.xpath(\"//field[@name='name']\")[0].get('filter_domain'), {'self': 'SoOn'})\n"
                "apps = safe_eval(arch.xpath(\"//filter[@name='app']\")[0].get('domain'))\n"
                "found = Module.search(apps + typed)\n"
                "print('SOON_FOUND=' + ','.join(sorted(found.mapped('name'))))\n"
                "found.filtered(lambda m: m.name in %r).button_immediate_install()\n" % (list(ADDONS),)
            )
            # Odoo 11 wants the sub-command first
            result = subprocess.run(
                [command, "shell"] + options, input=script, text=True, capture_output=True, timeout=1800
            )
            errors = [line for line in result.stderr.splitlines() if re.search(r"\bERROR\b|Traceback", line)]
            self.assertEqual(errors, [], result.stderr[-3000:])
            found = re.search(r"^SOON_FOUND=(.*)$", result.stdout, re.M)
            self.assertTrue(found, result.stdout[-3000:])
            self.assertEqual(set(found.group(1).split(",")), set(ADDONS), "search 'SoOn' with the Apps filter")
            # the install ran in its own registry and cursor: read the outcome afresh
            states = subprocess.run(
                [
                    "psql",
                    "-Atqc",
                    "SELECT name, state FROM ir_module_module WHERE name IN %s ORDER BY name"
                    % (tuple(ADDONS + DEPENDENCIES),),
                    db,
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            self.assertEqual(
                dict(line.split("|") for line in states.splitlines()),
                {name: "installed" for name in ADDONS + DEPENDENCIES},
                result.stderr[-3000:],
            )
        finally:
            subprocess.run(["dropdb", "--if-exists", db], check=False)
            subprocess.run(["rm", "-rf", os.path.join(ROOT, ".soon", "data", "filestore", db)], check=False)
