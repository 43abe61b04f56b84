"""Test helpers shared by the project's test suites (runtime and add-ons).

* ``SoonHttpCase``: an ``HttpCase`` whose ``env`` works on the cursor the
  HTTP server uses in test mode, so records a test creates are visible to
  the requests it makes (Odoo 12+ semantics; on Odoo 11 the two are
  different transactions) and everything is rolled back at the end.
  ``url_open``/``json_rpc`` call ``sync()`` first; call it yourself before
  driving a browser.
* ``browser()``: Playwright driving Debian's ``/usr/bin/chromium`` (never a
  downloaded browser) that records console errors and uncaught exceptions.
* ``login()``/``open_url()``: log in and open a page so that the next step
  sees that page and that session, never a half-started web client.
* ``screenshot()``: saves a page under ``docs/images`` for the user guide.
* ``failure_artifacts_dir()``: where a failing browser step leaves its
  screenshot, URL, HTML and console log (``artifacts/browser/`` at the
  repository root, git-ignored; ``SOON_ARTIFACTS`` moves it); the path is
  printed in the failure message.
* ``make_user()``/``make_portal_user()``/``make_internal_user()``: test users
  whose password is their login.
* ``english_website()``: the website served in English, whatever language
  the demo shop defaults to.
* ``ConcurrencyCase``/``Worker``/``wait_for_lock_waiter()``: real concurrent
  transactions (two workers, each on its own connection, with committed data).
"""

import contextlib
import datetime
import os
import re
import threading
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.service import model as service_model
from odoo.service import security
from odoo.tests import common
from psycopg2 import sql

from . import chromium, paths

_ROOT = paths.project_root() or os.getcwd()
#: where screenshots go: the user guide's images when SOON_UPDATE_DOCS=1
#: (``SOON_UPDATE_DOCS=1 ./scripts/test``), else a git-ignored folder, so an
#: ordinary test run leaves the checkout clean
DOCS_IMAGES = (
    os.path.join(_ROOT, "docs", "images")
    if os.environ.get("SOON_UPDATE_DOCS") == "1"
    else os.path.join(_ROOT, ".soon", "screenshots")
)


def make_user(env, name, login, *groups, **values):
    """A user whose password is its login, in ``groups`` (xml ids), created
    without the password-reset email; ``values`` add or override fields (an
    existing ``partner_id`` keeps its email)."""
    vals = {
        "name": name,
        "login": login,
        "password": login,
        "groups_id": [(6, 0, [env.ref(group).id for group in groups])],
    }
    if "partner_id" not in values:
        vals["email"] = "%s@example.com" % login
    vals.update(values)
    return env["res.users"].with_context(no_reset_password=True).create(vals)


def make_portal_user(env, name, login, **values):
    """A customer with a portal account (password = login)."""
    return make_user(env, name, login, "base.group_portal", **values)


def make_internal_user(env, name, login, *groups, **values):
    """An employee (``base.group_user``) in ``groups`` too (password = login)."""
    return make_user(env, name, login, "base.group_user", *groups, **values)


def make_confirmed_order(env, partner, products):
    """A confirmed website order of ``partner``, unpaid: ``products`` =
    [(product, quantity)] at their sales price (10.0 when they have none)."""
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "team_id": env.ref("sales_team.salesteam_website_sales").id,
            "order_line": [
                (0, 0, {"product_id": product.id, "product_uom_qty": qty, "price_unit": product.list_price or 10.0})
                for product, qty in products
            ],
        }
    )
    order.action_confirm()
    return order


#: the website's language cookie: a visitor's choice of language
LANG_COOKIE = "frontend_lang"


def english_website(env):
    """Serve the default website in English: English among its languages and
    its default one (the demo shop may default to Vietnamese). Requests must
    also carry the language cookie (``SoonHttpCase.use_english_website``
    for ``url_open``, ``browser(..., lang="en_US")`` for a browser), since a
    visitor's earlier choice wins over the default."""
    website = env.ref("website.default_website")
    english = env.ref("base.lang_en")
    website.language_ids |= english
    website.default_lang_id = english
    return website


# post-install, as Odoo's HTTP tests: Odoo's runner (--test-enable) serves them the whole registry
@common.at_install(False)
@common.post_install(True)
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

    def use_english_website(self):
        """The website in English for this test's requests (``english_website``)."""
        website = english_website(self.env)
        self.opener.cookies[LANG_COOKIE] = "en_US"
        return website

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
            timeout=timeout,
        )
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


class Worker(threading.Thread):
    """One Odoo worker (an HTTP or RPC request, a cron run) in a thread:
    ``work(env)`` runs in a transaction of its own connection and is committed
    when it returns. As Odoo's request dispatch (``odoo.service.model.check``)
    does, a PostgreSQL concurrency error (serialisation failure, lock not
    available, deadlock) rolls the transaction back and runs ``work`` again in
    a new one; ``attempts`` counts the runs. ``outcome()`` joins the thread
    and returns ``work``'s result or raises its exception."""

    def __init__(self, name, work, uid=SUPERUSER_ID, context=None, dbname=None):
        super().__init__(name=name, daemon=True)
        self.dbname = dbname or common.get_db_name()
        self.work, self.uid, self.context = work, uid, dict(context or {})
        self.attempts, self.result, self.error = 0, None, None

    def run(self):
        thread = threading.current_thread()
        thread.dbname = self.dbname  # Odoo's log lines name the database
        # as the test's own thread under Odoo's runner: emails are queued, never sent
        # (nor sent at once with a commit of their own, which would end the held transaction)
        thread.testing = True
        try:
            self.result = service_model.check(self._attempt)(self.dbname)
        except BaseException as exc:  # reported by outcome() in the test's thread
            self.error = exc

    def _attempt(self, dbname):
        self.attempts += 1
        with api.Environment.manage(), odoo.registry(dbname).cursor() as cr:
            return self.work(api.Environment(cr, self.uid, self.context))

    def outcome(self, timeout=60):
        self.join(timeout)
        if self.is_alive():
            raise AssertionError("worker %s still running after %ss" % (self.name, timeout))
        if self.error is not None:
            raise self.error
        return self.result


# post-install, as every test of the add-ons (see tests/test_odoo_runner.py)
@common.at_install(False)
@common.post_install(True)
class ConcurrencyCase(common.BaseCase):
    """Tests that need two workers at once: two database connections.

    A test's own transaction cannot see what another connection has not
    committed, so the data is created and COMMITTED through
    ``committed_env()``, the workers (``Worker``) commit what they do, and
    the test removes everything it created in a cleanup (``addCleanup``,
    run also when the test fails). A worker is held inside its transaction
    with ``threading.Event``s, never with sleeps; ``wait_for_lock_waiter``
    tells when the other worker waits for a row lock.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(common.get_db_name())

    @contextlib.contextmanager
    def committed_env(self, uid=SUPERUSER_ID, context=None):
        """An environment on a new connection, committed when the block ends
        normally (rolled back on an exception)."""
        with api.Environment.manage(), self.registry.cursor() as cr:
            yield api.Environment(cr, uid, dict(context or {}))

    def worker(self, name, work, **kwargs):
        """A started ``Worker`` running ``work(env)``."""
        thread = Worker(name, work, **kwargs)
        thread.start()
        return thread

    def hold_row_locks(self, table, ids):
        """A third connection holding the row locks of ``ids`` in ``table``
        until the test ends: keeps records the test did not create (demo data)
        out of the way of jobs that skip locked rows."""
        if not ids:
            return None
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        self.addCleanup(cr.rollback)
        cr.execute(sql.SQL("SELECT id FROM {} WHERE id IN %s FOR UPDATE").format(sql.Identifier(table)), [tuple(ids)])
        return cr

    def assertWaitsForLock(self, timeout=30, statement=None):
        """Another transaction of this database now waits for a lock (in
        ``statement``, a regular expression, when given: which lock it is)."""
        self.assertTrue(wait_for_lock_waiter(self.registry, timeout), "no transaction waited for a lock")
        if statement:
            waiting = lock_waiters(self.registry)
            self.assertTrue(any(re.search(statement, query) for query in waiting), "waiting elsewhere: %s" % waiting)


def lock_waiters(registry):
    """The statements of this database's transactions that wait on a lock now."""
    with registry.cursor() as cr:
        cr.execute("""SELECT DISTINCT a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                       WHERE NOT l.granted AND a.datname = current_database()""")
        return [row[0] for row in cr.fetchall()]


class BrowserErrors(AssertionError):
    pass


def failure_artifacts_dir(name=None):
    """A new folder for the artifacts of one failed browser step: under
    ``$SOON_ARTIFACTS`` or ``<repository>/artifacts``, in ``browser/``, named
    after the running test (pytest's PYTEST_CURRENT_TEST) and the time."""
    base = os.environ.get("SOON_ARTIFACTS") or os.path.join(_ROOT, "artifacts")
    name = name or os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0] or "browser"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name.split("/")[-1])[-120:]
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = os.path.join(base, "browser", "%s-%s" % (name, stamp))
    os.makedirs(path, exist_ok=True)
    return path


def add_to_message(exc, text):
    """Append ``text`` to the message of ``exc`` (kept the same exception object)."""
    if exc.args and isinstance(exc.args[0], str):
        exc.args = (exc.args[0] + text,) + exc.args[1:]
    else:
        exc.args = exc.args + (text,)
    if hasattr(exc, "_message") and isinstance(exc._message, str):  # playwright's Error
        exc._message += text


def _save_page_artifacts(page, console, exc):
    """Screenshot, URL, HTML and console of ``page``; returns the folder."""
    path = failure_artifacts_dir()
    notes = ["failure: %s: %s" % (type(exc).__name__, str(exc)[:4000])]
    steps = (
        ("url", lambda: notes.append("url: %s" % page.url)),
        (
            "screenshot",
            lambda: page.screenshot(path=os.path.join(path, "screenshot.png"), full_page=True, timeout=20000),
        ),
        ("html", lambda: _write(os.path.join(path, "page.html"), page.content())),
    )
    for label, step in steps:
        try:
            step()
        except Exception as error:  # the page may be gone: save what can be saved
            notes.append("%s not saved: %s" % (label, str(error)[:300]))
    _write(os.path.join(path, "console.log"), "\n".join(console) + "\n")
    _write(os.path.join(path, "failure.txt"), "\n".join(notes) + "\n")
    return path


def _write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


@contextlib.contextmanager
def browser(base_url, session_id=None, locale="en-US", viewport=(1280, 900), lang=None):
    """Yield ``(page, errors)``; ``errors`` lists console errors and exceptions.

    ``lang`` ("en_US"): the website's language cookie (``frontend_lang``), with
    ``english_website()`` the way to see the shop in English.

    External hosts are blocked (the machine has no internet): the page may only
    talk to the Odoo server under test.  When the block fails (an assertion,
    a Playwright timeout, any exception), the page's screenshot, URL, HTML and
    whole console (every message, page error and failed request, timed) are
    saved and the folder is added to the failure message.
    """
    from playwright.sync_api import sync_playwright

    if not chromium.available():
        raise RuntimeError("Chromium not found at %s" % chromium.CHROMIUM)
    errors = []
    console = []  # everything the page said, for the failure artifacts
    started = time.monotonic()

    def log(kind, text):
        console.append("%8.3fs %s %s" % (time.monotonic() - started, kind, text))

    with sync_playwright() as pw:
        browser_ = pw.chromium.launch(
            executable_path=chromium.CHROMIUM,
            headless=True,
            args=[flag for flag in chromium.CHROMIUM_FLAGS if not flag.startswith("--headless")],
        )
        try:
            context = browser_.new_context(locale=locale, viewport={"width": viewport[0], "height": viewport[1]})
            if session_id:
                context.add_cookies([{"name": "session_id", "value": session_id, "url": base_url + "/"}])
            if lang:
                context.add_cookies([{"name": LANG_COOKIE, "value": lang, "url": base_url + "/"}])
            context.route(
                lambda url: not url.startswith(base_url) and not url.startswith(("data:", "blob:", "about:")),
                lambda route: route.abort(),
            )
            page = context.new_page()
            page.set_default_timeout(30000)
            page.on(
                "console",
                lambda msg: (
                    msg.type == "error"
                    and not _blocked_external(msg)
                    and errors.append("console error: %s (%s)" % (msg.text, msg.location.get("url", "")))
                ),
            )
            page.on("pageerror", lambda exc: errors.append("uncaught exception: %s" % exc))
            page.on(
                "console",
                lambda msg: log("console." + msg.type, "%s (%s)" % (msg.text, (msg.location or {}).get("url", ""))),
            )
            page.on("pageerror", lambda exc: log("pageerror", str(exc)))
            page.on("framenavigated", lambda frame: frame == page.main_frame and log("navigated", frame.url))
            page.on(
                "requestfailed",
                lambda request: log("requestfailed", "%s %s: %s" % (request.method, request.url, request.failure)),
            )
            page.on(
                "response", lambda response: response.status >= 400 and log("http %d" % response.status, response.url)
            )
            try:
                yield page, errors
            except BaseException as exc:
                if isinstance(exc, Exception):
                    try:
                        path = _save_page_artifacts(page, console, exc)
                    except Exception as error:  # never hide the real failure
                        path = "(artifacts not saved: %s)" % error
                    add_to_message(exc, "\n[browser artifacts: %s]" % path)
                raise
        finally:
            browser_.close()
            # requests the page started may still run in the server's threads, on
            # the test cursor: let them end before the test reads the database
            wait_for_requests()


def wait_for_requests(timeout=120):
    """Wait until the test HTTP server has no request left running (its
    request threads are named ``odoo.service.http.request.<id>``); False if
    some still run after ``timeout`` seconds.  Longpolling, the only request
    meant to last, answers at once in test mode."""
    deadline = time.monotonic() + timeout
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and thread.name.startswith("odoo.service.http.request."):
            thread.join(max(0.0, deadline - time.monotonic()))
    return not any(
        thread.is_alive() and thread.name.startswith("odoo.service.http.request.")
        for thread in threading.enumerate()
        if thread is not current
    )


def open_url(page, url, selector=None, timeout=120000):
    """Load ``url`` as a new document, then wait for ``selector``.

    ``page.goto('/web#id=7&model=...')`` from a page already at ``/web`` only
    changes the hash: the web client may still be starting and, with no hash
    when it started, loads the user's first menu (Discuss...) at the same
    time as the record, and whichever answers last wins: under load the
    record's form never shows.  A detour through ``about:blank`` makes every
    call a fresh page whose web client reads the hash when it starts and
    loads that and nothing else.  ``timeout`` is generous because the first
    back-office page of a run compiles the assets (LESS, JS bundles).
    """
    page.goto("about:blank")
    # "load" waits for the asset bundles, compiled on a run's first back-office page
    page.goto(url, timeout=timeout)
    if selector:
        page.wait_for_selector(selector, timeout=timeout)


def login(page, base_url, login, password=None, redirect="/web", selector=None, timeout=120000):
    """Log in through Odoo's login form and land on ``redirect`` (a path,
    hash allowed), then wait for ``selector``.

    The form posts to ``/web/login``, which answers with a page whose script
    redirects: clicking and then waiting for "load"/"networkidle" can return
    while the login page is still the current document, and the next
    ``goto`` races with the login (the request may reach the server before
    the session is authenticated).  Here the login page carries the
    destination (``?redirect=``) and the helper waits for the browser to
    commit to that destination, so the session is logged in and the
    destination is a freshly loaded document (see ``open_url``).
    """
    from urllib.parse import quote, urlsplit

    page.goto(base_url + "/web/session/logout?redirect=/web/login", timeout=timeout)
    page.goto("%s/web/login?redirect=%s" % (base_url, quote(redirect, safe="")), timeout=timeout)
    page.wait_for_selector("form input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login if password is None else password)
    target = urlsplit(base_url + redirect)

    def arrived(url):
        parts = urlsplit(url)
        return (parts.netloc, parts.path) == (target.netloc, target.path) and "login" not in parts.path

    with page.expect_navigation(url=arrived, wait_until="commit", timeout=timeout):
        page.click("form button[type=submit]")
    if selector:
        page.wait_for_selector(selector, timeout=timeout)


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
