"""scripts/shop shows progress while it builds the demo database: Odoo's
"loading module X (n/m)" lines, nothing else of the debug log, every warning
and traceback as Odoo writes it; a failing build still fails the script."""

import os
import re
import subprocess
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ODOO_OUTPUT = """\
2026-12-02 10:33:07,123 4242 DEBUG soon_shop odoo.modules.loading: loading module base (1/1)
2026-12-02 10:33:07,456 4242 DEBUG soon_shop odoo.modules.loading: module base: creating or updating database tables
2026-12-02 10:33:09,001 4242 DEBUG soon_shop odoo.modules.loading: loading module website_sale (40/62)
2026-12-02 10:33:09,002 4242 WARNING soon_shop odoo.models: a warning the owner must see
Traceback (most recent call last):
  File "odoo/modules/loading.py", line 1, in load
ValueError: a failure
"""


class TestShopProgress(unittest.TestCase):
    def run_filter(self, odoo_output, odoo_status=0):
        with open(os.path.join(ROOT, "scripts", "shop")) as handle:
            script = handle.read()
        definitions = [
            line for line in script.splitlines() if line.startswith("progress()") or line.startswith("PROGRESS=")
        ]
        self.assertEqual(len(definitions), 2, "scripts/shop defines PROGRESS and progress()")
        # the build runs Odoo with "${PROGRESS[@]}" piped into progress, under pipefail
        self.assertRegex(script, r'odoo -i "\$MODULES" [^\n]*"\$\{PROGRESS\[@\]\}" 2>&1 \| progress')
        fake_odoo = 'fake_odoo() { printf %s "$ODOO_OUTPUT"; return $ODOO_STATUS; }'
        command = "\n".join(["set -euo pipefail"] + definitions + [fake_odoo, "fake_odoo 2>&1 | progress"])
        return subprocess.run(
            ["bash", "-c", command],
            env=dict(os.environ, ODOO_OUTPUT=odoo_output, ODOO_STATUS=str(odoo_status)),
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_progress_and_warnings(self):
        result = self.run_filter(ODOO_OUTPUT)
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout, "")
        lines = result.stderr.splitlines()
        self.assertEqual(
            [line for line in lines if line.startswith("[shop]")],
            ["[shop]   loading module base (1/1)", "[shop]   loading module website_sale (40/62)"],
        )
        self.assertFalse([line for line in lines if re.search(r" DEBUG ", line)], lines)
        for kept in ("WARNING soon_shop odoo.models: a warning the owner must see", "Traceback", "ValueError"):
            self.assertTrue([line for line in lines if kept in line], (kept, lines))

    def test_failed_build_fails(self):
        self.assertEqual(self.run_filter(ODOO_OUTPUT, odoo_status=1).returncode, 1)
