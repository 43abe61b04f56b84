"""Fixes for development checkouts and test runs, never for a production server.

Registered in the same registry as the runtime's fixes (``soon_runtime.FIXES``,
so ``test_every_fix_applied`` covers them) when ``soon_testing`` is imported:
by the tests, and in every process of a development environment through the
second line of ``soon_runtime.pth`` (so ``soon-odoo --test-enable`` and the
fidelity gate's Odoo runs get them too).  A production install does not ship
``soon_testing``: none of this is loaded there.
"""

import functools
import os

from soon_runtime._registry import fix

from . import paths


# --------------------------------------------------------------------------
# addons path
# --------------------------------------------------------------------------
@fix("odoo.tools.config")
def project_addons_path(module):
    """Not a Python 3.11 incompatibility: puts the project's add-ons
    (``paths.ADDONS``) on Odoo's
    addons path whatever command line or pytest run starts Odoo, so they are
    importable as ``odoo.addons.<name>`` during a development checkout.
    ``SOON_PROJECT_ADDONS=0`` leaves them out (the fidelity gate measures
    Odoo 11 alone: Odoo's HTTP layer imports every add-on on the path)."""
    extra = paths.project_addons_dir()
    if not extra or os.environ.get("SOON_PROJECT_ADDONS") == "0":
        return
    cls = type(module.config)
    original = cls._parse_config

    @functools.wraps(original)
    def _parse_config(self, args=None):
        result = original(self, args)
        current = [p for p in (self.options.get("addons_path") or "").split(",") if p]
        if extra not in [os.path.abspath(p) for p in current]:
            self.options["addons_path"] = ",".join(current + [extra])
        return result

    cls._parse_config = _parse_config
    # the configuration may already have been parsed (defaults at import time)
    current = [p for p in (module.config.options.get("addons_path") or "").split(",") if p]
    if current and extra not in current:
        module.config.options["addons_path"] = ",".join(current + [extra])


# --------------------------------------------------------------------------
# browser tests
# --------------------------------------------------------------------------
@fix("odoo.tests.common")
def phantom_js_chromium(module):
    """PhantomJS does not exist on these machines (nor for Python 3.11-era
    systems): every JS tour of Odoo 11 was skipped ("PhantomJS not found").
    ``HttpCase.phantom_js`` now drives headless Debian Chromium through the
    DevTools protocol with PhantomJS's contract (session cookie, ``ready``
    condition, console 'ok' / 'error')."""
    from . import chromium

    def phantom_js(self, url_path, code, ready="window", login=None, timeout=60, **kw):
        if not chromium.available():
            raise module.unittest.SkipTest("Chromium not found at %s" % chromium.CHROMIUM)
        self.authenticate(login, login)
        base = "http://%s:%s" % (module.HOST, module.PORT)
        logger = module._logger.getChild("chromium")
        browser = chromium.Chromium(logger)
        try:
            browser.set_cookie("session_id", self.session_id, base + "/")
            try:
                browser.run_test(base + url_path, code, ready=ready, timeout=timeout)
            except Exception as exc:
                # screenshot, URL, HTML and console of the failing page, path in the message
                from .common import add_to_message, failure_artifacts_dir

                try:
                    where = browser.save_artifacts(
                        failure_artifacts_dir(type(self).__name__ + "." + self._testMethodName)
                    )
                except Exception as error:
                    where = "(artifacts not saved: %s)" % error
                if isinstance(exc, chromium.BrowserError):
                    self.fail("%s\n[browser artifacts: %s]" % (exc, where))
                add_to_message(exc, "\n[browser artifacts: %s]" % where)
                raise
        finally:
            browser.close()
            self._wait_remaining_requests()

    phantom_js.__doc__ = module.HttpCase.phantom_js.__doc__
    module.HttpCase.phantom_js = phantom_js
