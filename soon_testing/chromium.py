"""Headless Chromium driven through the DevTools protocol.

Replaces PhantomJS for ``HttpCase.phantom_js`` with the same contract: open
a page with the test session's cookie, wait until ``ready`` evaluates truthy,
evaluate ``code``, then read the console: a line starting with ``error`` (or
an uncaught exception, or an ``alert()``) fails the test, the line ``ok``
ends it successfully, ``warning`` lines are logged as warnings.
"""

import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

_logger = logging.getLogger("soon_testing.chromium")

CHROMIUM = os.environ.get("SOON_CHROMIUM", "/usr/bin/chromium")
# the machine's network is closed: without these flags Chromium keeps opening
# connections to Google services that are refused
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-translate",
    "--mute-audio",
    "--window-size=1366,768",
    "--remote-allow-origins=*",
]


#: Scripts evaluated in every page before its own scripts (DevTools
#: ``Page.addScriptToEvaluateOnNewDocument``): web platform features that the
#: browsers of Odoo 11's days had and that today's Chromium removed, which
#: Odoo 11's test code relies on.  Each one is a no-op when the browser still
#: has the feature.
PAGE_SCRIPTS = {
    # Chromium 127 removed the synchronous mutation events (DOMNodeInserted...).
    # Odoo 11's QUnit helper createView() listens to DOMNodeInserted to strip
    # the src of every <img> the view renders and to report it as an RPC to
    # the mock server (web/static/tests/helpers/test_utils.js); without the
    # event, "FieldImage: image fields are correctly rendered" ends with
    # "Expected 6 assertions, but 5 were run" and, the suite running with
    # failfast, no later QUnit test runs.  The event is dispatched again,
    # synchronously and bubbling, on every node inserted by the DOM paths
    # jQuery 1.11 uses (appendChild, insertBefore, replaceChild, innerHTML),
    # and only once a page listens to it.  Odoo 11's own code (outside tests)
    # does not use mutation events.
    "dom_node_inserted": r"""
(function () {
    'use strict';
    var probe = document.createElement('div'), native = false;
    probe.addEventListener('DOMNodeInserted', function () { native = true; });
    probe.appendChild(document.createElement('span'));
    if (native) { return; }
    var listening = false;
    var addEventListener = EventTarget.prototype.addEventListener;
    EventTarget.prototype.addEventListener = function (type) {
        if (type === 'DOMNodeInserted') { listening = true; }
        return addEventListener.apply(this, arguments);
    };
    function fire(nodes) {
        for (var i = 0; i < nodes.length; i++) {
            nodes[i].dispatchEvent(new Event('DOMNodeInserted', {bubbles: true}));
        }
    }
    function toInsert(node) {  // a fragment inserts its children
        if (!node) { return []; }
        return node.nodeType === 11 ? Array.prototype.slice.call(node.childNodes) : [node];
    }
    ['appendChild', 'insertBefore', 'replaceChild'].forEach(function (name) {
        var original = Node.prototype[name];
        Node.prototype[name] = function (node) {
            var nodes = listening ? toInsert(node) : null;
            var result = original.apply(this, arguments);
            if (nodes) { fire(nodes); }
            return result;
        };
    });
    var innerHTML = Object.getOwnPropertyDescriptor(Element.prototype, 'innerHTML');
    Object.defineProperty(Element.prototype, 'innerHTML', {
        configurable: true, enumerable: innerHTML.enumerable, get: innerHTML.get,
        set: function (value) {
            innerHTML.set.call(this, value);
            if (listening) { fire(Array.prototype.slice.call(this.childNodes)); }
        },
    });
})();
""",
}


#: viewport of PhantomJS in Odoo 11's phantomtest.js
VIEWPORT = (1366, 768)


class BrowserError(AssertionError):
    """The page reported an error (console 'error ...', exception, alert)."""


def available():
    return os.access(CHROMIUM, os.X_OK)


class Chromium:
    """One headless Chromium process with one page, driven over a websocket."""

    def __init__(self, logger=None):
        self.logger = logger or _logger
        self.profile = tempfile.mkdtemp(prefix="soon-chromium-")
        self.proc = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        self._id = 0
        self._events = []
        self._recent = []  # last console lines, quoted when the page reports an error
        self.console_log = []  # every console line and exception, for failure artifacts
        self._started = time.monotonic()
        try:
            port = self._wait_port()
            self.ws = websocket.create_connection(self._page_ws_url(port), timeout=30, suppress_origin=True)
            for domain in ("Page", "Runtime", "Network", "Log"):
                self.send(domain + ".enable")
            # PhantomJS pages always had the focus; a headless page does not,
            # so element.focus() moved document.activeElement without firing
            # focus/focusin events (autofocused datepickers never opened)
            self.send("Emulation.setFocusEmulationEnabled", enabled=True)
            # PhantomJS's page was exactly 1366x768 (phantomtest.js viewportSize);
            # --window-size gives the window, whose viewport headless Chromium
            # makes shorter (1366x625)
            width, height = VIEWPORT
            self.send(
                "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
            )
            for source in PAGE_SCRIPTS.values():
                self.send("Page.addScriptToEvaluateOnNewDocument", source=source)
        except Exception:
            self.close()
            raise

    # -- process and connection -------------------------------------------------
    def _wait_port(self, timeout=30):
        path = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("Chromium exited with code %s" % self.proc.returncode)
            if os.path.exists(path):
                with open(path) as fp:
                    first = fp.readline().strip()
                if first:
                    return int(first)
            time.sleep(0.05)
        raise RuntimeError("Chromium did not open its DevTools port within %ss" % timeout)

    @staticmethod
    def _page_ws_url(port):
        deadline = time.time() + 10
        while True:
            with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=5) as resp:
                targets = json.loads(resp.read().decode())
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            if time.time() > deadline:
                raise RuntimeError("Chromium has no page target")
            time.sleep(0.1)

    def close(self):
        try:
            if getattr(self, "ws", None):
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)

    # -- protocol ---------------------------------------------------------------
    def send(self, method, timeout=30, **params):
        """Send a command and return its result (events received meanwhile are queued)."""
        self._id += 1
        msg_id = self._id
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.time() + timeout
        while True:
            self.ws.settimeout(max(0.1, deadline - time.time()))
            message = json.loads(self.ws.recv())
            if message.get("id") == msg_id:
                if "error" in message:
                    raise RuntimeError("%s failed: %s" % (method, message["error"]))
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)
            if time.time() > deadline:
                raise TimeoutError(method)

    def next_event(self, timeout):
        if self._events:
            return self._events.pop(0)
        self.ws.settimeout(timeout)
        try:
            message = json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            return None
        return message if "method" in message else None

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if result.get("exceptionDetails"):
            return None
        return result.get("result", {}).get("value")

    def _log(self, kind, text):
        self.console_log.append("%8.3fs %s %s" % (time.monotonic() - self._started, kind, text))

    def save_artifacts(self, path):
        """Save the page's screenshot, URL, HTML and console log into ``path``;
        what cannot be saved (a dead page) is noted in ``failure.txt``."""
        import base64

        notes = []
        try:
            shot = self.send("Page.captureScreenshot", timeout=20, format="png")
            with open(os.path.join(path, "screenshot.png"), "wb") as fp:
                fp.write(base64.b64decode(shot["data"]))
        except Exception as exc:
            notes.append("screenshot not saved: %s" % exc)
        try:
            notes.append("url: %s" % self.evaluate("window.location.href"))
            html = self.evaluate("document.documentElement ? document.documentElement.outerHTML : ''")
            with open(os.path.join(path, "page.html"), "w", encoding="utf-8") as fp:
                fp.write(html or "")
        except Exception as exc:
            notes.append("url/html not saved: %s" % exc)
        with open(os.path.join(path, "console.log"), "w", encoding="utf-8") as fp:
            fp.write("\n".join(self.console_log) + "\n")
        with open(os.path.join(path, "failure.txt"), "w", encoding="utf-8") as fp:
            fp.write("\n".join(notes) + "\n")
        return path

    def set_cookie(self, name, value, url):
        self.send("Network.setCookie", name=name, value=value, url=url)

    def navigate(self, url, timeout=60):
        self.send("Page.navigate", url=url)
        deadline = time.time() + timeout
        deferred = []  # console/exception events are judged later by run_test
        try:
            while time.time() < deadline:
                event = self.next_event(0.5)
                if event is None:
                    continue
                if event["method"] == "Page.loadEventFired":
                    return
                deferred.append(event)
            raise TimeoutError("page %s did not load in %ss" % (url, timeout))
        finally:
            self._events[:0] = deferred

    # -- the PhantomJS test protocol ---------------------------------------------
    @staticmethod
    def _console_text(params):
        parts = []
        for arg in params.get("args", []):
            if "value" in arg:
                value = arg["value"]
                parts.append(value if isinstance(value, str) else json.dumps(value))
            else:
                parts.append(arg.get("description", arg.get("type", "")))
        return " ".join(parts)

    def run_test(self, url, code, ready="window", timeout=60):
        """Open ``url``, wait for ``ready``, run ``code``; return when the page logs 'ok'."""
        start = time.time()
        self.navigate(url, timeout=timeout)
        self.evaluate("localStorage.clear()")
        ready = ready or "true"
        while not self.evaluate("(function(){try{return !!(%s);}catch(e){return false;}})()" % ready):
            self._drain_console(0.25)
            if time.time() - start > timeout:
                raise BrowserError("Timeout waiting for ready condition: %s" % ready)
        self.logger.info("ready condition satisfied, executing: %s", code)
        self.send("Runtime.evaluate", expression=code or "true")
        while time.time() - start < timeout:
            if self._drain_console(0.5):
                return True
        body = self.evaluate("document.body && document.body.innerText") or ""
        raise BrowserError(
            "Browser test did not log 'ok' within %ss; href=%s\n%s"
            % (timeout, self.evaluate("window.location.href"), body[:2000])
        )

    def _drain_console(self, timeout):
        """Process queued events; True once 'ok' was logged, BrowserError on failure."""
        deadline = time.time() + timeout
        while True:
            event = self.next_event(max(0.01, deadline - time.time()))
            if event is None:
                return False
            method = event["method"]
            params = event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                line = self._console_text(params)
                self._log("console.%s" % params.get("type", "log"), line[:2000])
                lower = line.lower()
                if lower.startswith(("error", "server application error")):
                    # a bare 'error' (QUnit's verdict) says nothing: show what preceded it
                    raise BrowserError(
                        "\n".join([line] + ["  previous console line: " + recent for recent in self._recent])
                    )
                self._recent = (self._recent + [line[:500]])[-8:]
                if lower.startswith("warning") or params.get("type") == "warning":
                    self.logger.warning(line)
                else:
                    self.logger.info(line)
                if line == "ok":
                    return True
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                exc = details.get("exception", {})
                self._log("exception", exc.get("description") or details.get("text"))
                raise BrowserError(
                    "Uncaught exception: %s\n%s"
                    % (exc.get("description") or details.get("text"), json.dumps(details.get("stackTrace", {}))[:2000])
                )
            elif method == "Page.javascriptDialogOpening":
                self._log("dialog", params.get("message"))
                self.send("Page.handleJavaScriptDialog", accept=True)
                raise BrowserError("alert: %s" % params.get("message"))
            if time.time() > deadline:
                return False
