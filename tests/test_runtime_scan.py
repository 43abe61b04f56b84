"""Static scan of the installed Odoo 11 source for APIs removed in Python 3.8-3.11."""

import unittest

from soon_runtime import FIXES
from soon_testing import scan


class TestRemovedApiScan(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hits = scan.scan()

    def test_scan_finds_the_known_incompatibilities(self):
        """The scanner is not blind: it sees what the runtime is known to fix."""
        apis = {hit.api for hit in self.hits}
        for api in (
            "collections ABC alias (3.10)",
            "inspect.getargspec (3.11)",
            "base64.encodestring (3.9)",
            "Thread.isAlive (3.9)",
            "ast.Name for None/True/False (3.8)",
            "yaml.load without Loader (PyYAML 6)",
        ):
            self.assertIn(api, apis)

    def test_every_hit_is_fixed_or_accepted(self):
        fix_names = {fix.name for fix in FIXES}
        open_hits = []
        for hit in self.hits:
            kind, why = scan.classify(hit)
            if kind == "open":
                open_hits.append("%s:%s %s" % hit)
            elif kind == "fixed":
                self.assertIn(why, fix_names)
        self.assertEqual(open_hits, [], "removed APIs neither fixed nor accepted")

    def test_scanner_detects_samples(self):
        import os
        import tempfile

        sample = (
            "import collections, inspect, base64, yaml, hmac, re\n"
            "from collections import Mapping\n"
            "x = collections.Iterable\n"
            "inspect.getargspec(f)\n"
            "t.isAlive()\n"
            "yaml.load(s)\n"
            "hmac.new(k, m)\n"
            "re.compile('a(?i)b')\n"
            "import imp\n"
            "from distutils.version import LooseVersion\n"
            "from . import crypt\n"
        )
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, "m.py"), "w") as fp:
                fp.write(sample)
            apis = sorted(hit.api for hit in scan.scan(root))
        self.assertEqual(
            apis,
            sorted(
                [
                    "collections ABC alias (3.10)",
                    "collections ABC alias (3.10)",
                    "inspect.getargspec (3.11)",
                    "Thread.isAlive (3.9)",
                    "yaml.load without Loader (PyYAML 6)",
                    "hmac.new without digestmod (3.8)",
                    "re global flags not at the start (3.11)",
                    "imp module (deprecated, gone in 3.12)",
                    "distutils (deprecated, gone in 3.12)",
                ]
            ),
        )

    def test_deprecated_modules_accepted_only_while_present(self):
        """imp/distutils/imghdr/crypt exist in Python 3.11 (DeprecationWarning):
        their uses are accepted, but a Python without them reopens every hit."""
        from unittest import mock

        hits = [hit for hit in self.hits if "deprecated, gone in" in hit.api]
        self.assertIn(
            ("modules/module.py", "imp module (deprecated, gone in 3.12)"), {(hit.path, hit.api) for hit in hits}
        )
        for hit in hits:
            self.assertEqual(scan.classify(hit)[0], "accepted", hit)
        with mock.patch.object(scan.sys, "version_info", (3, 13, 0)):
            for hit in hits:
                self.assertEqual(scan.classify(hit)[0], "open", hit)
