"""Test helpers shared by the project's test suites (runtime and add-ons).

* ``SoonHttpCase``: an ``HttpCase`` whose ``env`` works on the cursor the
  HTTP server uses in test mode, so records a test creates are visible to
  the requests it makes (Odoo 12+ semantics; on Odoo 11 the two are
  different transactions) and everything is rolled back at the end.
  ``url_open``/``json_rpc`` call ``sync()`` first; call it yourself before
  driving a browser.
* ``browser()``: Playwright driving Debian's ``/usr/bin/chromium`` (never a
  downloaded browser) that records console errors and uncaught exceptions.
* ``screenshot()``: saves a page under ``docs/images`` for the user guide.
"""
import contextlib
import os
import time

import odoo
from odoo import api
from odoo.service import security
from odoo.tests import common

from . import chromium, paths

_ROOT = paths.project_root() or os.getcwd()
#: where screenshots go: the user guide's images when SOON_UPDATE_DOCS=1
#: (``SOON_UPDATE_DOCS=1 ./scripts/test``), else a git-ignored folder, so an
#: ordinary test run leaves the checkout clean
DOCS_IMAGES = os.path.join(_ROOT, "docs", "images") if os.environ.get("SOON_UPDATE_DOCS") == "1" \
    else os.path.join(_ROOT, ".soon", "screenshots")


class SoonHttpCase(common.HttpCase):
    """HttpCase whose ``self.env`` shares the HTTP server's test cursor."""

    def setUp(self):
        super().setUp()
        self.http_cr = self.registry.test_cr
        self.env = api.Environment(self.http_cr, self.uid, {})

    def sync(self):
        """Make the test's writes survive the requests it makes.

        The HTTP layer closes the shared test cursor without committing in
        places (``check_signaling``), which rolls back to the cursor's last
        "commit" (a savepoint): commit the savepoint before each request.
        Nothing reaches the database for real: the transaction itself is
        rolled back when the test ends.
        """
        self.http_cr.commit()

    @contextlib.contextmanager
    def locked(self):
        """Use ``self.env`` while a browser is running: the shared cursor is
        also used by the server's request threads (page loads, background
        polling), so take the lock the requests take, and read fresh values."""
        self.http_cr.acquire()
        try:
            self.refresh()
            yield self.env
        finally:
            self.http_cr.release()

    def url_open(self, url, data=None, timeout=60):
        # generous: the first page of a run compiles templates and assets (slow on 2 busy cores)
        self.sync()
        return super().url_open(url, data=data, timeout=timeout)

    @property
    def base_url(self):
        return "http://%s:%s" % (common.HOST, common.PORT)

    def refresh(self):
        """Forget cached values after HTTP requests changed the database."""
        self.env.cache.invalidate()

    def json_rpc(self, url, params=None, timeout=60):
        """POST a JSON-RPC call to an Odoo ``type='json'`` route; returns the
        decoded response (``result`` or ``error``)."""
        self.sync()
        response = self.opener.post(
            self.base_url + url if url.startswith("/") else url,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params or {}},
            timeout=timeout)
        self.assertEqual(response.status_code, 200, response.text[:500])
        return response.json()

    def query_count(self):
        """Queries run so far on the cursor shared with the HTTP server."""
        return self.http_cr.sql_log_count

    def authenticate(self, user, password):
        """HttpCase.authenticate, but reading the user on the shared cursor
        (Odoo 11's reads it on the test's private cursor, where users created
        by the test do not exist)."""
        self.sync()
        if user is None:
            return
        db = common.get_db_name()
        uid = self.registry["res.users"].authenticate(db, user, password, None)
        env = api.Environment(self.http_cr, uid, {})
        # the stored session holds what earlier requests put there (the cart): keep it
        session = self.session = odoo.http.root.session_store.get(self.session_id)
        session.db, session.uid, session.login = db, uid, user
        session.session_token = uid and security.compute_session_token(session, env)
        session.context = env["res.users"].context_get() or {}
        session.context["uid"] = uid
        session._fix_lang(session.context)
        odoo.http.root.session_store.save(session)


def wait_for_lock_waiter(registry, timeout=30):
    """Block until a transaction of the database waits on a lock (the second of
    two concurrent requests reached the row lock the first one holds); False
    after ``timeout`` seconds. Concurrency tests wait on this, never on time."""
    deadline = time.monotonic() + timeout
    with registry.cursor() as cr:
        while time.monotonic() < deadline:
            # this database only: other test runs may share the server
            cr.execute("""SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                           WHERE NOT l.granted AND a.datname = current_database()""")
            if cr.fetchone()[0]:
                return True
            cr.rollback()
            time.sleep(0.01)
    return False


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
    """Save ``<name>.png`` (into docs/images with SOON_UPDATE_DOCS=1: the user guide embeds these)."""
    os.makedirs(DOCS_IMAGES, exist_ok=True)
    path = os.path.join(DOCS_IMAGES, name + ".png")
    page.screenshot(path=path, full_page=False)
    return path
