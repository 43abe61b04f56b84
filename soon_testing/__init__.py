"""SoOn test and development tooling: never part of a production install.

* ``common``: ``SoonHttpCase``, Playwright ``browser()``, ``login()``,
  ``open_url()``, ``screenshot()``, ``wait_for_lock_waiter()``, failure
  artifacts (what the add-ons' tests and ``tests/`` import);
* ``chromium``: the DevTools driver behind ``HttpCase.phantom_js``;
* ``fixes``: the two fixes a production server does not want, registered with
  the runtime's when this package is imported: ``phantom_js_chromium`` (Odoo's
  browser tests run in Chromium) and ``project_addons_path`` (a checkout's
  add-ons on Odoo's addons path);
* ``paths``: where the checkout's files are;
* ``fidelity``: the fidelity gate (``scripts/fidelity``); ``scan``: the table
  of removed Python APIs in Odoo 11's source.

Importing the package registers the runtime's fixes and its own, and imports
nothing of Odoo: ``soon_runtime.pth`` imports it at interpreter start-up when
it is installed (``pip install -e .``, what ``scripts/setup`` does).
"""

import soon_runtime
from soon_runtime import _registry

soon_runtime.install()
from . import fixes  # noqa: E402,F401  (registration side effect)

_registry.register_all()
