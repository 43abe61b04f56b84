"""SoOn runtime: runs Odoo 11.0 correctly on Python 3.11.

Odoo 11 was written for Python 3.5/3.6.  Each incompatibility is cured by one
small named function (see ``fixes_stdlib`` and ``fixes_odoo``) that is
attached to the import of the module it repairs; nothing in site-packages is
edited.  ``install()`` registers every fix; it is called by the ``.pth`` file
installed with the package (so ``pytest``, ``python -c 'import odoo'`` and the
``soon-odoo`` command all get the fixes) and is idempotent.
"""

from . import _registry
from ._registry import FIXES, applied

__all__ = ["install", "FIXES", "applied"]

_installed = False


def install():
    """Register every fix.  Safe to call more than once."""
    global _installed
    if _installed:
        return
    _installed = True
    from . import fixes_odoo, fixes_stdlib  # noqa: F401  (registration side effect)

    _registry.register_all()
