"""The runtime fixes seen from HTTP: back office templates, compiled CSS, Chromium tours."""

import os
import re
import socket
import tempfile
import time
from unittest import mock

from odoo.tests import common
from odoo.tools import config

from soon_runtime import fixes_odoo
from soon_testing import chromium
from soon_testing.common import browser, login


@common.at_install(False)
@common.post_install(True)
class TestRuntimeHttp(common.HttpCase):
    def setUp(self):
        super().setUp()
        # the failures these tests provoke on purpose leave their artifacts in a
        # temporary folder, not among the real failures' (artifacts/browser)
        tmp = tempfile.TemporaryDirectory(prefix="soon-artifacts-")
        self.addCleanup(tmp.cleanup)
        patcher = mock.patch.dict(os.environ, {"SOON_ARTIFACTS": tmp.name})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_webclient_templates(self):
        """concat_xml (Element.getchildren) fix: the back office gets its templates."""
        self.authenticate("admin", "admin")
        response = self.url_open("/web/webclient/qweb?mods=web")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b't-name="ActionManager"', response.content)

    def test_json_rpc_params_must_be_an_object(self):
        """json_request_params_object fix: params that are not an object are a 400, not a 500."""
        base = "http://%s:%s" % (common.HOST, common.PORT)
        for body in (
            {"jsonrpc": "2.0", "method": "call", "params": [1, 2]},
            {"jsonrpc": "2.0", "method": "call", "params": "abc"},
            [1, 2],
        ):
            with self.subTest(body=body):
                response = self.opener.post(base + "/shop/cart/update_json", json=body, timeout=60)
                self.assertEqual(response.status_code, 400)
        # an object still reaches the route
        response = self.opener.post(
            base + "/web/webclient/version_info", timeout=60, json={"jsonrpc": "2.0", "method": "call", "params": {}}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("server_version", response.json()["result"])

    def _raw_post(self, path, content_length, sent, content_type):
        """POST declaring ``content_length`` bytes but sending only ``sent``:
        the server's answer (status line and headers), or None when it keeps
        waiting for the rest of the body."""
        with socket.create_connection((common.HOST, common.PORT), timeout=15) as sock:
            head = (
                "POST %s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                "Connection: close\r\n\r\n" % (path, common.HOST, common.PORT, content_type, content_length)
            )
            sock.sendall(head.encode() + sent)
            try:
                return sock.recv(4096).decode("latin-1")
            except TimeoutError:
                return None

    def test_a_body_over_the_limit_is_refused_before_it_is_read(self):
        """request_body_limit fix: a body declared longer than max_request_body_mb
        is answered 413 at once, without waiting for (or parsing) the body;
        Odoo 11 alone would wait for the whole body and parse it first."""
        with mock.patch.dict(config.options, {"max_request_body_mb": 1}):
            for path, content_type in (
                ("/web/login", "application/x-www-form-urlencoded"),
                ("/web/webclient/version_info", "application/json"),
            ):
                with self.subTest(path=path):
                    answer = self._raw_post(path, 2 * 1024 * 1024, b"login=x&", content_type)
                    self.assertIsNotNone(answer, "the server waited for the 2 MB body")
                    self.assertRegex(answer.splitlines()[0], r"^HTTP/1\.[01] 413 ")
            # a body within the limit still reaches the route
            response = self.opener.post(
                "http://%s:%s/web/webclient/version_info" % (common.HOST, common.PORT),
                json={"jsonrpc": "2.0", "method": "call", "params": {}, "padding": "x" * 512 * 1024},
                timeout=60,
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("server_version", response.json()["result"])

    def test_request_body_limit_setting(self):
        """max_request_body_mb: MB of the configuration file; unset = Odoo 16's 128 MiB; 0 = none."""
        for value, expected in (
            (None, 128 * 1024 * 1024),
            ("", 128 * 1024 * 1024),
            ("2", 2 * 1024 * 1024),
            (0.5, 512 * 1024),
            ("0", None),
            ("lots", 128 * 1024 * 1024),
        ):
            with self.subTest(value=value), mock.patch.dict(config.options, {"max_request_body_mb": value}):
                self.assertEqual(fixes_odoo._max_request_bytes(), expected)

    def test_frontend_css_is_compiled(self):
        """lessc runs (NODE_PATH fix): the shop's stylesheet holds compiled rules."""
        # the first request compiles the LESS bundles (lessc), which takes well over
        # url_open's default 10 s on a loaded 2-core machine; the CSS is what is tested
        page = self.url_open("/shop", timeout=120).text
        links = re.findall(r'href="(/web/content/[^"]+assets_frontend[^"]*\.css)"', page)
        self.assertTrue(links, "no frontend stylesheet on /shop")
        css = "".join(self.url_open(link, timeout=120).text for link in links)
        self.assertNotIn("Could not execute command", css)
        self.assertRegex(css, r"\.btn-primary\s*\{")
        self.assertNotIn("@import", css.split("*/", 1)[-1][:2000])

    def test_phantom_js_runs_in_chromium(self):
        """HttpCase.phantom_js drives Chromium with PhantomJS's ok/error protocol."""
        self.assertTrue(chromium.available())
        self.phantom_js("/web/login", "console.log('ok')", "document.readyState === 'complete'")
        with self.assertRaises(AssertionError):
            self.phantom_js("/web/login", "console.log('error', 'expected failure')", "true", timeout=20)
        with self.assertRaises(AssertionError):
            self.phantom_js("/web/login", "setTimeout(function () { null.boom(); }, 0)", "true", timeout=20)

    def test_report_barcodes(self):
        """reportlab renders Odoo 11's barcodes (/report/barcode) as real PNG images."""
        import io

        from PIL import Image

        for kind, value in (("Code128", "TEST"), ("EAN13", "5901234123457"), ("QR", "SoOn")):
            response = self.url_open("/report/barcode/%s/%s?width=300&height=80" % (kind, value))
            self.assertEqual(response.status_code, 200, kind)
            self.assertEqual(response.headers["Content-Type"], "image/png", kind)
            image = Image.open(io.BytesIO(response.content))
            self.assertEqual(image.format, "PNG")
            self.assertEqual(image.size, (300, 80))
            # black bars on white: both colours are present
            colours = {colour for _count, colour in image.convert("L").getcolors(256)}
            self.assertTrue(min(colours) < 64 and max(colours) > 192, kind)

    def test_chromium_error_quotes_preceding_console(self):
        """A bare 'error' verdict (QUnit's) is reported with the console lines before it."""
        with self.assertRaises(AssertionError) as caught:
            self.phantom_js(
                "/web/login", "console.log('QUnit test failed: probe 42'); console.log('error')", "true", timeout=20
            )
        self.assertIn("QUnit test failed: probe 42", str(caught.exception))

    def test_chromium_viewport_like_phantomjs(self):
        """The page is 1366x768 CSS pixels, PhantomJS's viewport in phantomtest.js."""
        self.phantom_js(
            "/web/login",
            """
            var size = [window.innerWidth, window.innerHeight, window.devicePixelRatio].join('x');
            console.log(size === '1366x768x1' ? 'ok' : 'error viewport ' + size);
        """,
            "document.readyState === 'complete'",
            timeout=30,
        )

    def test_chromium_page_has_focus(self):
        """Focus emulation: element.focus() fires focus events as in PhantomJS
        (autofocused datepickers of the QUnit suite open)."""
        self.phantom_js(
            "/web/login",
            """
            var input = document.querySelector('input[name=login]'), seen = [];
            input.blur();
            input.addEventListener('focus', function () { seen.push('focus'); });
            input.addEventListener('focusin', function () { seen.push('focusin'); });
            input.focus();
            console.log(document.hasFocus() && seen.join() === 'focus,focusin' ? 'ok' : 'error focus events: ' + seen);
        """,
            "document.readyState === 'complete'",
            timeout=30,
        )

    def test_chromium_dom_node_inserted(self):
        """DOMNodeInserted (removed from Chromium 127) is dispatched again,
        synchronously and bubbling, for the insertion paths jQuery uses."""
        self.phantom_js(
            "/web/login",
            """
            var root = document.createElement('div'), seen = [];
            document.body.appendChild(root);
            root.addEventListener('DOMNodeInserted', function (ev) { seen.push(ev.target.nodeName); });
            var div = document.createElement('div');
            root.appendChild(div);                                   // appendChild
            root.insertBefore(document.createElement('b'), div);     // insertBefore
            var fragment = document.createDocumentFragment();
            fragment.appendChild(document.createElement('i'));
            fragment.appendChild(document.createElement('u'));
            root.appendChild(fragment);                              // fragment: its children
            div.innerHTML = '<p>x</p><s></s>';                       // innerHTML
            $(root).prepend('<em/>');                                // jQuery
            var expected = 'DIV,B,I,U,P,S,EM';
            console.log(seen.join() === expected ? 'ok' : 'error DOMNodeInserted seen: ' + seen);
        """,
            "window.$ && document.readyState === 'complete'",
            timeout=30,
        )

    def _assert_artifacts(self, message, url_part, console_line, html_part):
        found = re.search(r"\[browser artifacts: (.+?)\]", message)
        self.assertTrue(found, "no artifacts path in the failure message: %s" % message[-500:])
        path = found.group(1)
        with open(os.path.join(path, "screenshot.png"), "rb") as fp:
            self.assertEqual(fp.read(8), b"\x89PNG\r\n\x1a\n")
        with open(os.path.join(path, "page.html"), encoding="utf-8") as fp:
            self.assertIn(html_part, fp.read())
        with open(os.path.join(path, "console.log"), encoding="utf-8") as fp:
            self.assertIn(console_line, fp.read())
        with open(os.path.join(path, "failure.txt"), encoding="utf-8") as fp:
            self.assertIn(url_part, fp.read())

    def test_browser_failure_leaves_artifacts(self):
        """Any failing browser step (a Playwright timeout here, a PhantomJS-style
        'error' below) saves the page's screenshot, URL, HTML and console, and the
        failure message says where."""
        base = "http://%s:%s" % (common.HOST, common.PORT)
        with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"SOON_ARTIFACTS": tmp}):
            with self.assertRaises(Exception) as caught:
                with browser(base) as (page, _errors):
                    page.goto(base + "/web/login")
                    page.evaluate("console.log('probe console line 1')")
                    page.wait_for_selector(".no-such-element-anywhere", timeout=1500)
            self._assert_artifacts(str(caught.exception), "/web/login", "probe console line 1", 'name="login"')
            self.assertTrue(
                os.path.realpath(re.search(r"artifacts: (.+?)\]", str(caught.exception)).group(1)).startswith(
                    os.path.realpath(tmp)
                )
            )

            with self.assertRaises(AssertionError) as caught:
                self.phantom_js(
                    "/web/login",
                    "console.log('probe console line 2'); console.log('error', 'boom')",
                    "true",
                    timeout=20,
                )
            self._assert_artifacts(str(caught.exception), "/web/login", "probe console line 2", 'name="login"')

    def test_login_lands_on_the_page_when_the_server_is_slow(self):
        """The flaky refund journey (issue 10): a login posted to a busy server.
        Clicking "Log in" then waiting for "networkidle" returned while the
        login page was still the document; the next goto cancelled the login
        and the browser sat on /web/login (120 s waiting for the order's
        refund button).  ``login()`` waits for the browser to reach the
        destination, here with the login's answer delayed by 3 s."""
        base = "http://%s:%s" % (common.HOST, common.PORT)
        partner = self.env.ref("base.partner_root")
        target = "/web#id=%d&model=res.partner&view_type=form" % partner.id

        def slow_login(route):
            if route.request.method == "POST":
                time.sleep(3)  # the busy server of the failing run
            route.continue_()

        with browser(base) as (page, _errors):
            page.route("**/web/login*", slow_login)
            login(page, base, "admin", "admin", redirect=target, selector=".o_form_view")
            self.assertNotIn("/web/login", page.url)
            self.assertIn(partner.name, page.inner_text(".o_form_view"))
