"""Imported by ``soon_runtime.pth`` at interpreter start-up: registers the fixes.

Registration only installs an import hook; nothing is patched until a
process imports ``odoo``.
"""

import soon_runtime

soon_runtime.install()
