"""Registry of the runtime fixes: what each cures, where it applies, whether it ran."""

import logging
from collections import namedtuple

from . import _hook

_logger = logging.getLogger("soon_runtime")

Fix = namedtuple("Fix", "name target when func symptom")

#: every fix, in registration order
FIXES = []
_applied = set()
_registered = set()


def fix(target, when="after"):
    """Declare ``func`` as the fix for an incompatibility in module ``target``.

    ``when="before"``: run before ``target`` executes (standard-library fixes
    that Odoo needs while it imports); ``when="after"``: run on the freshly
    imported module, which is passed to ``func``.  The function's docstring is
    the symptom it cures (listed in docs/runtime.md).
    """

    def decorator(func):
        FIXES.append(Fix(func.__name__, target, when, func, (func.__doc__ or "").strip()))
        return func

    return decorator


def _runner(item):
    def run(module=None):
        if item.name in _applied:
            return
        if item.when == "before":
            item.func()
        else:
            item.func(module)
        _applied.add(item.name)
        _logger.debug("soon_runtime: applied %s", item.name)

    return run


def register_all():
    """Attach every declared fix not attached yet to the import of its target.

    Called again when a package declares more fixes (``soon_testing``).
    """
    for item in FIXES:
        if item.name in _registered:
            continue
        _registered.add(item.name)
        if item.when == "before":
            _hook.before_import(item.target, _runner(item))
        else:
            _hook.when_imported(item.target, _runner(item))


def applied():
    """Names of the fixes that have run in this process."""
    return set(_applied)
