"""A local HTTP server that behaves like Stripe's refunds API, for tests.

What it implements, as Stripe documents it (https://docs.stripe.com/api/refunds,
https://docs.stripe.com/api/idempotent_requests, https://docs.stripe.com/api/errors):

* ``POST /v1/refunds`` (form-encoded ``charge``, ``amount`` in the smallest
  currency unit, ``metadata[...]``): the refund object echoes the request's
  charge, amount and metadata; ``status`` is ``succeeded``, ``pending`` or
  ``failed`` (``next_statuses``); a refund larger than what is left of the
  charge answers ``amount_too_large``, a disputed charge ``charge_disputed``,
  a fully refunded one ``charge_already_refunded``, an unknown one
  ``resource_missing``;
* idempotency: the first answer given under an ``Idempotency-Key`` (errors
  included, a 500 too) is saved and replayed for 24 hours with the header
  ``Idempotent-Replayed: true``; the same key with other parameters answers
  ``idempotency_error``; requests refused before the endpoint runs (bad key,
  invalid parameters) are not saved; keys expire after 24 hours of the
  server's clock (``now``, moved with ``advance``);
* ``GET /v1/refunds?charge=...`` (``limit``, ``starting_after``): a list
  object (``data`` newest first, ``has_more``); ``GET /v1/refunds/<id>``;
* Stripe's error shape: ``{"error": {"type", "code", "message", "param"}}``.

Fault injection: ``inject(...)`` queues what the next refund request meets
(a 500 before or after the refund is made, a timeout before or after, any
error answer, an answer with altered fields).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

#: Stripe prunes idempotency keys once they are at least 24 hours old
KEY_LIFETIME = 24 * 3600


def error_body(kind, message, code=None, param=None):
    error = {"type": kind, "message": message}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return {"error": error}


class FakeStripe:
    def __init__(self, secret_key="sk_test_SoOn"):
        self.secret_key = secret_key
        self.now = 1_700_000_000.0  # the server's clock (seconds); ``advance`` moves it
        self.charges = {}  # id -> {"amount", "currency", "disputed", "refunded"}
        self.refunds = []  # in creation order
        self.keys = {}  # idempotency key -> {"time", "params", "status", "body"}
        self.requests = []  # every request received, for assertions
        self.faults = []  # what the next refund requests meet (see ``inject``)
        self.next_statuses = []  # statuses of the next refunds made (default: succeeded)
        self.inflight = {}  # idempotency key -> parameters of a request still running (a "late" timeout)
        self._deferred = {}  # handler thread -> (key, parameters) to run once released
        self._release = threading.Event()  # ends the "late" requests (``finish_late``)
        self.lock = threading.RLock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    # ------------------------------------------------------------------
    # Test controls
    # ------------------------------------------------------------------
    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def add_charge(self, charge_id, amount, currency="usd", disputed=False, refunded=0):
        self.charges[charge_id] = {"amount": amount, "currency": currency, "disputed": disputed, "refunded": refunded}

    def advance(self, hours):
        self.now += hours * 3600

    def inject(self, status=None, body=None, refund=False, timeout=None, alter=None, late=False):
        """What the next ``POST /v1/refunds`` meets, in order:

        * ``status``/``body``: this error answer (``refund``: after making the
          refund, like a 500 that hides a success); saved under the key when
          the endpoint ran (any status but 429, as Stripe does);
        * ``timeout``: no answer for ``timeout`` seconds, then the connection
          closes (``refund``: the refund was made and its answer saved; with
          ``late``, only when the test calls ``finish_late``: meanwhile the
          request is running, and the same key answers 409 like Stripe);
        * ``alter``: fields of the refund answer replaced (a broken answer).
        """
        self.faults.append(
            {"status": status, "body": body, "refund": refund, "timeout": timeout, "alter": alter, "late": late}
        )

    def finish_late(self, timeout=30):
        """The requests still running (``late`` timeouts) make their refunds now."""
        self._release.set()
        deadline = time.monotonic() + timeout
        while self.inflight and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.inflight, "the late requests did not finish"

    def set_status(self, refund_id, status, failure_reason=None):
        """The bank settles a pending refund (``succeeded`` or ``failed``)."""
        with self.lock:
            refund = self._find(refund_id)
            if status == "failed" and refund["status"] != "failed":
                self.charges[refund["charge"]]["refunded"] -= refund["amount"]
                refund["failure_reason"] = failure_reason or "expired_or_canceled_card"
            refund["status"] = status

    def refunds_of(self, charge_id, statuses=("succeeded", "pending")):
        return [r for r in self.refunds if r["charge"] == charge_id and r["status"] in statuses]

    def posts(self):
        return [r for r in self.requests if r["method"] == "POST"]

    # ------------------------------------------------------------------
    # The API
    # ------------------------------------------------------------------
    def _handle(self, handler, method):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode() if length else ""
        split = urlsplit(handler.path)
        form = parse_qs(raw, keep_blank_values=True)
        query = parse_qs(split.query, keep_blank_values=True)
        self.requests.append(
            {"method": method, "path": split.path, "headers": dict(handler.headers), "form": form, "query": query}
        )
        delay, close, replayed = None, False, False
        with self.lock:
            if handler.headers.get("Authorization") != "Bearer %s" % self.secret_key:
                status, body = 401, error_body("invalid_request_error", "Invalid API Key provided: sk_***")
            elif method == "POST" and split.path == "/v1/refunds":
                status, body, delay, close, replayed = self._post_refund(handler.headers.get("Idempotency-Key"), form)
            elif method == "GET" and split.path == "/v1/refunds":
                status, body = self._list_refunds(query)
            elif method == "GET" and split.path.startswith("/v1/refunds/"):
                refund = self._find(split.path.rsplit("/", 1)[1])
                status, body = (200, refund) if refund else self._missing("refund", split.path.rsplit("/", 1)[1])
            else:
                status, body = 404, error_body("invalid_request_error", "Unrecognized request URL (%s)" % split.path)
        deferred = self._deferred.pop(threading.get_ident(), None)
        if deferred:
            self._release.wait(60)
        elif delay:
            time.sleep(delay)
        if deferred:
            with self.lock:
                key, params = deferred
                del self.inflight[key]
                status, body = self._create_refund(params)
                self.keys[key] = {"time": self.now, "params": params, "status": status, "body": body}
        if close:
            handler.close_connection = True
            return
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        if replayed:
            handler.send_header("Idempotent-Replayed", "true")
        handler.end_headers()
        handler.wfile.write(data)

    def _post_refund(self, key, form):
        params = {name: values[-1] for name, values in form.items()}
        if key and key in self.inflight:
            return (
                409,
                error_body(
                    "idempotency_error",
                    "There is currently another in-progress request using this idempotency key (that probably "
                    "means you submitted twice, and the other request is still going through): %s. Please try "
                    "again later." % key,
                ),
                None,
                False,
                False,
            )
        if key:
            saved = self.keys.get(key)
            if saved and self.now - saved["time"] >= KEY_LIFETIME:
                del self.keys[key]  # pruned: the key makes a new request
                saved = None
            if saved:
                if saved["params"] != params:
                    return (
                        400,
                        error_body(
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same parameters they were "
                            "first used with. Try using a key other than '%s' if you meant to execute a different "
                            "request." % key,
                        ),
                        None,
                        False,
                        False,
                    )
                return saved["status"], saved["body"], None, False, True
        # validation: refused before the endpoint runs, nothing saved
        if not params.get("charge"):
            return (
                400,
                error_body("invalid_request_error", "Missing required param: charge.", "parameter_missing", "charge"),
                None,
                False,
                False,
            )
        amount = params.get("amount")
        if amount is not None and (not amount.isdigit() or int(amount) < 1):
            return (
                400,
                error_body("invalid_request_error", "Invalid positive integer", "parameter_invalid_integer", "amount"),
                None,
                False,
                False,
            )
        fault = self.faults.pop(0) if self.faults else {}
        if fault.get("status") == 429:
            return 429, fault["body"] or error_body("rate_limit_error", "Too many requests"), None, False, False
        delay, close = None, False
        if fault.get("timeout"):
            delay, close = fault["timeout"], True
            if not fault["refund"]:  # never reached the endpoint
                return None, None, delay, close, False
            if fault["late"] and key:  # the endpoint runs until the delay is over
                self.inflight[key] = params
                self._deferred[threading.get_ident()] = (key, params)
                return None, None, delay, close, False
        if fault.get("status") and not fault["refund"]:
            status, body = fault["status"], fault["body"] or error_body("api_error", "An unknown error occurred")
        else:
            status, body = self._create_refund(params)
            if status == 200 and fault.get("status"):
                status, body = fault["status"], fault["body"] or error_body("api_error", "An unknown error occurred")
            elif status == 200 and fault.get("alter"):
                body = dict(body, **fault["alter"])
        if key:
            self.keys[key] = {"time": self.now, "params": params, "status": status, "body": body}
        return status, body, delay, close, False

    def _create_refund(self, params):
        charge = self.charges.get(params["charge"])
        if not charge:
            return self._missing("charge", params["charge"], "charge")
        if charge["disputed"]:
            return 400, error_body(
                "invalid_request_error",
                "Charge %s has been charged back; you cannot issue a refund." % params["charge"],
                "charge_disputed",
            )
        left = charge["amount"] - charge["refunded"]
        if left <= 0:
            return 400, error_body(
                "invalid_request_error",
                "Charge %s has already been refunded." % params["charge"],
                "charge_already_refunded",
            )
        amount = int(params.get("amount") or left)
        if amount > left:
            return 400, error_body(
                "invalid_request_error",
                "Refund amount (%d) is greater than unrefunded amount on charge (%d)" % (amount, left),
                "amount_too_large",
                "amount",
            )
        status = self.next_statuses.pop(0) if self.next_statuses else "succeeded"
        refund = {
            "id": "re_%d" % (len(self.refunds) + 1),
            "object": "refund",
            "amount": amount,
            "charge": params["charge"],
            "currency": charge["currency"],
            "created": int(self.now),
            "metadata": {name[9:-1]: value for name, value in params.items() if name.startswith("metadata[")},
            "reason": params.get("reason"),
            "status": status,
        }
        if status == "failed":
            refund["failure_reason"] = "expired_or_canceled_card"
        else:
            charge["refunded"] += amount
        self.refunds.append(refund)
        return 200, refund

    def _list_refunds(self, query):
        charge = (query.get("charge") or [None])[-1]
        limit = int((query.get("limit") or ["10"])[-1])
        refunds = [r for r in reversed(self.refunds) if not charge or r["charge"] == charge]
        after = (query.get("starting_after") or [None])[-1]
        if after:
            ids = [r["id"] for r in refunds]
            refunds = refunds[ids.index(after) + 1 :] if after in ids else []
        return 200, {"object": "list", "url": "/v1/refunds", "has_more": len(refunds) > limit, "data": refunds[:limit]}

    def _find(self, refund_id):
        return next((r for r in self.refunds if r["id"] == refund_id), None)

    def _missing(self, kind, ident, param=None):
        return 404 if not param else 400, error_body(
            "invalid_request_error", "No such %s: '%s'" % (kind, ident), "resource_missing", param
        )
