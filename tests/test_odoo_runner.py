"""Guard: Odoo's own runner (``odoo --test-enable``, what Odoo's and OCA's CI
run) finds the same tests of the SoOn add-ons as pytest-odoo, once each, and
runs them post-install.

Odoo 11 runs only the ``test_*`` modules that ``<addon>/tests/__init__.py``
imports (``odoo.modules.module.get_test_modules``), loads each with
``unittest.TestLoader().loadTestsFromModule`` and splits them between the
at-install run (while the add-on is loaded, before the add-ons that depend on
it) and the post-install run (the whole registry).  A test file missing from
``__init__.py`` would silently never run there; a test class imported into
another test module would run twice; an at-install test would run with
``-u`` before soon_returns' models are loaded while its columns (the required
``payment_transaction.operation``) already exist.  See docs/runtime.md,
"The add-ons' tests under Odoo's runner".
"""

import os
import unittest

import pytest
from odoo.modules import module as odoo_module

from soon_testing.paths import ADDONS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: at least this many tests found per add-on (the refund engine tests manual refunds and its install
#: hook itself; refunds through a provider are tested with the provider's add-on)
MIN_TESTS = {"soon_payment_refund": 6}


def _odoo_tests(addon):
    """The tests Odoo's runner would run for ``addon``, as (module, test) pairs."""
    found = []
    for mod in odoo_module.get_test_modules(addon):
        suite = unittest.TestLoader().loadTestsFromModule(mod)
        for test in odoo_module.unwrap_suite(suite):
            # an empty suite stands for a class without tests (a base class imported from common.py)
            if isinstance(test, unittest.TestCase) or test.countTestCases():
                found.append((mod.__name__, test))
    return found


@pytest.mark.parametrize("addon", ADDONS)
def test_every_test_file_is_imported_for_odoos_runner(addon):
    on_disk = {
        name[:-3]
        for name in os.listdir(os.path.join(ROOT, addon, "tests"))
        if name.startswith("test_") and name.endswith(".py")
    }
    imported = {mod.__name__.rsplit(".", 1)[1] for mod in odoo_module.get_test_modules(addon)}
    assert on_disk, addon
    assert imported == on_disk, "add to %s/tests/__init__.py: %s; not a file: %s" % (
        addon,
        sorted(on_disk - imported),
        sorted(imported - on_disk),
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_odoos_runner_runs_each_test_once_post_install(addon):
    tests = _odoo_tests(addon)
    assert len(tests) >= MIN_TESTS.get(addon, 11), tests
    ids = [test.id() for _, test in tests]
    assert len(ids) == len(set(ids)), "run twice: %s" % sorted({i for i in ids if ids.count(i) > 1})
    at_install = [test.id() for _, test in tests if odoo_module.runs_at_install(test)]
    not_post = [test.id() for _, test in tests if not odoo_module.runs_post_install(test)]
    assert not at_install, "at-install tests: %s" % at_install
    assert not not_post, "tests that would not run post-install: %s" % not_post
    # every test belongs to the add-on (not a test class imported from elsewhere)
    assert all(test.id().startswith("odoo.addons.%s.tests." % addon) for _, test in tests)
