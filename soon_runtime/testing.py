"""Test helpers shared by the project's test suites (runtime and add-ons).

* ``SoonHttpCase``: an ``HttpCase`` whose ``env`` works on the cursor the
  HTTP server uses in test mode, so records a test creates are visible to
  the requests it makes (Odoo 12+ semantics; on Odoo 11 the two are
  different transactions) and everything is rolled back at the end.
* ``browser()``: Playwright driving Debian's ``/usr/bin/chromium`` (never a
  downloaded browser) that records console errors and uncaught exceptions.
* ``screenshot()``: saves a page under ``docs/images`` for the user guide.
"""
import contextlib
import os

from odoo import api
from odoo.tests import common

from . import chromium, paths

DOCS_IMAGES = os.path.join(paths.project_root() or os.getcwd(), "docs", "images")


class SoonHttpCase(common.HttpCase):
    """HttpCase whose ``self.env`` shares the HTTP server's test cursor."""

    def setUp(self):
        super().setUp()
        self.http_cr = self.registry.test_cr
        self.env = api.Environment(self.http_cr, self.uid, {})

    @property
    def base_url(self):
        return "http://%s:%s" % (common.HOST, common.PORT)

    def refresh(self):
        """Forget cached values after HTTP requests changed the database."""
        self.env.invalidate_all()

    def login_session(self, login, password=None):
        """Authenticate this test's session cookie as ``login``."""
        self.authenticate(login, password or login)


class BrowserErrors(AssertionError):
    pass


@contextlib.contextmanager
def browser(base_url, session_id=None, locale="en-US", viewport=(1280, 900)):
    """Yield ``(page, errors)``; ``errors`` lists console errors and exceptions.

    External hosts are blocked (the machine has no internet): the page may only
    talk to the Odoo server under test.
    """
    from playwright.sync_api import sync_playwright

    if not chromium.available():
        raise RuntimeError("Chromium not found at %s" % chromium.CHROMIUM)
    errors = []
    with sync_playwright() as pw:
        browser_ = pw.chromium.launch(
            executable_path=chromium.CHROMIUM,
            headless=True,
            args=[flag for flag in chromium.CHROMIUM_FLAGS if not flag.startswith("--headless")],
        )
        try:
            context = browser_.new_context(
                locale=locale, viewport={"width": viewport[0], "height": viewport[1]})
            if session_id:
                context.add_cookies([{"name": "session_id", "value": session_id, "url": base_url + "/"}])
            context.route(
                lambda url: not url.startswith(base_url) and not url.startswith(("data:", "blob:", "about:")),
                lambda route: route.abort(),
            )
            page = context.new_page()
            page.set_default_timeout(30000)
            page.on("console", lambda msg: msg.type == "error" and not _blocked_external(msg) and errors.append(
                "console error: %s (%s)" % (msg.text, msg.location.get("url", ""))))
            page.on("pageerror", lambda exc: errors.append("uncaught exception: %s" % exc))
            yield page, errors
        finally:
            browser_.close()


def _blocked_external(msg):
    """A request we aborted ourselves (external host) is not a page error."""
    url = (msg.location or {}).get("url", "")
    return "net::ERR_FAILED" in msg.text and url and not url.startswith("http://127.0.0.1")


def screenshot(page, name):
    """Save ``docs/images/<name>.png`` (the user guide embeds these)."""
    os.makedirs(DOCS_IMAGES, exist_ok=True)
    path = os.path.join(DOCS_IMAGES, name + ".png")
    page.screenshot(path=path, full_page=False)
    return path
