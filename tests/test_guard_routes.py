"""Guard test: malformed input to every HTTP route the SoOn add-ons touch.

The routes are discovered, never listed by hand: Odoo 11's routing map is
walked and a route is kept when

* its endpoint is defined or overridden by a class of a ``soon_*`` add-on
  (``odoo.addons.soon_...``), or
* its endpoint (any definition along the controller's MRO) calls a method the
  add-ons define (a controller helper such as ``checkout_form_validate`` or a
  private model method such as ``sale.order._cart_update``), or renders a
  template the add-ons inherit (``sale.portal_order_page``...).

Each route then gets, as an anonymous visitor and as a logged-in portal
customer, a sample of malformed values (non-ASCII, NUL, NaN/inf, huge and
negative numbers, wrong JSON types, a JSON list as params, missing
parameters, other customers' ids) in its URL converters, its query string or
form (with a valid CSRF token where the route checks it) or its JSON-RPC
body.  Every answer must be below 500 (JSON-RPC: no error other than a
refusal: UserError, AccessError, MissingError, ValidationError, NotFound...),
nothing may be logged at ERROR or with a traceback while the request runs,
and no row of the tables the add-ons write may change.

Parameter names come from the endpoint's signature; routes taking ``**kw``
get their form keys from ``KNOWN_FORMS``.  A parameter whose name is not in
``PARAM_KINDS`` fails the test (a new route gets reviewed, not skipped).
Every failure of every route is reported in one assertion message;
``ALLOWED`` lists accepted exceptions, each with its reason.
"""

import inspect
import json
import logging
import os
import re
import time
from collections import OrderedDict, namedtuple
from urllib.parse import quote, urlencode

import odoo
from odoo import http, models
from odoo.tests import common

from soon_testing.common import SoonHttpCase

from .refund_common import RefundsDataMixin

SOON_PREFIX = "odoo.addons.soon_"

#: tables the add-ons (and the routes they touch) write
WATCHED_TABLES = (
    "sale_order",
    "sale_order_line",
    "payment_transaction",
    "payment_token",
    "return_request",
    "return_request_line",
    "res_partner",
    "res_users",
    "mail_message",
    "mail_followers",
    "account_invoice",
    "account_payment",
    "stock_picking",
    "stock_move",
    "ir_attachment",
)

#: JSON-RPC errors that are refusals, not crashes
REFUSALS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.Warning",
    "odoo.exceptions.except_orm",
    "odoo.exceptions.RedirectWarning",
    "odoo.http.SessionExpiredException",
    "werkzeug.exceptions.NotFound",
    "werkzeug.exceptions.Forbidden",
    "werkzeug.exceptions.BadRequest",
}

#: what each parameter or form key is (decides its malformed values); keys are
#: names or regular expressions (full match) of form keys
PARAM_KINDS = OrderedDict(
    [
        # ids (the kind names the record whose other customer's id is tried)
        ("so_id", "id:order"),
        ("sale_order_id", "id:order"),
        ("order_id", "id:order"),
        ("order", "id:order"),
        ("transaction_id", "id:tx"),
        ("acquirer_id", "id:acquirer"),
        ("partner_id", "id:partner"),
        ("request_id", "id:return"),
        ("pm_id", "id:payment_token"),
        ("product_id", "id:product"),
        ("line_id", "id:order_line"),
        ("page", "int"),
        ("country_id", "id:country"),
        ("state_id", "id:state"),
        (r"reason-\d+", "id:reason"),
        # secrets
        ("access_token", "token"),
        ("token", "token"),
        ("signature", "token"),
        # numbers
        ("add_qty", "qty"),
        ("set_qty", "qty"),
        (r"qty-\d+", "qty"),
        ("amount", "amount"),
        # booleans
        ("accepted", "bool"),
        ("save_token", "bool"),
        ("display", "bool"),
        # choices and dates
        ("revive", "choice"),
        ("sortby", "choice"),
        ("outcome", "choice"),
        ("method", "choice"),
        ("currency", "choice"),
        ("date_from", "date"),
        ("date_to", "date"),
        ("date_begin", "date"),
        ("date_end", "date"),
        ("phone", "phone"),
        ("reference", "text"),
        # free text: any value is legitimate, nothing to break
        ("return_url", "free"),
        ("redirect", "free"),
        (r"comment-\d+", "free"),
        ("submitted", "free"),
        ("name", "free"),
        ("email", "free"),
        ("street", "free"),
        ("city", "free"),
        ("zip", "free"),
        ("street2", "free"),
        ("field_required", "free"),
        ("search", "free"),
        ("filterby", "free"),
    ]
)

NON_ASCII = ["é", "²", "\U0001f600"]
NUL = "a\x00b"
HUGE = [10**12, 2**63]
INT4_MAX = 2147483647

#: malformed values per kind, for query strings/forms (strings) and JSON bodies (typed)
HTTP_BAD = {
    "id": NON_ASCII
    + ["-1", "0", str(INT4_MAX), str(INT4_MAX + 1)]
    + [str(n) for n in HUGE]
    + ["1.5", "nan", "abc", "", NUL],
    "int": NON_ASCII + ["-1", "0", str(INT4_MAX + 1), str(2**63), "nan", "abc", ""],
    "token": NON_ASCII + ["", "abc", "0" * 64, "x" * 4000, NUL],
    "qty": NON_ASCII + ["nan", "inf", "-inf", "-1", "1e309", "0.5", str(10**12), str(2**63), "abc", "", NUL],
    "amount": NON_ASCII + ["nan", "inf", "-inf", "-1", "1e309", str(2**63), "abc", "", NUL],
    "bool": NON_ASCII + ["false", "nan", NUL],
    "choice": NON_ASCII + ["", "x" * 4000, NUL],
    "date": NON_ASCII + ["abc", "9999-99-99", "-1", "", NUL],
    "phone": NON_ASCII + ["+84" + "9" * 60, NUL],
    "text": NON_ASCII + ["", "x" * 4000, NUL],
    "free": [],
}
JSON_BAD = {
    "id": ["é", "abc", "²", -1, INT4_MAX + 1] + HUGE + [1.5, float("nan"), float("inf"), [1], {"id": 1}, True],
    "int": ["é", "abc", -1, 2**63, float("nan"), [1], {"a": 1}],
    "token": ["é", "\U0001f600", "", 123, [1], {"a": 1}, NUL],
    "qty": ["é", "abc", "²", float("nan"), float("inf"), -1, 10**12, 2**63, [1], {"a": 1}, True],
    "amount": ["é", float("nan"), float("inf"), -1, 2**63, [1], {"a": 1}],
    "bool": ["false", "é", [], {}, [False], 2**63, float("nan")],
    "choice": ["é", 1, [1], {"a": 1}, NUL],
    "date": ["abc", "9999-99-99", 1, [1], {"a": 1}],
    "phone": ["é", 1, [1]],
    "text": ["é", 1, [1], {"a": 1}, NUL],
    "free": [[1], {"a": 1}],
}

#: (route path regex, parameter/converter name or "*", user or "*") -> why a
#: failure there is accepted.  Only Odoo 11's own code on routes the add-ons
#: neither define nor override belongs here (reported upstream-style, not
#: ours to patch); never a route the add-ons define or override.
CORE_PORTAL_LISTS = r"/my/(orders|quotes|invoices)(/page/<int:page>)?"
ALLOWED = {
    (
        CORE_PORTAL_LISTS,
        "sortby",
        "*",
    ): "Odoo 11 sale/account portal lists index searchbar_sortings[sortby] (KeyError on an unknown key)",
    (CORE_PORTAL_LISTS, "page", "*"): "Odoo 11 portal lists convert page with int() ('²' passes isdigit)",
    (
        "/shop/address",
        "partner_id",
        "*",
    ): "Odoo 11 website_sale.address does int(kw['partner_id']); -1 means 'new address' (writes by design)",
    (
        "/shop/address",
        "country_id",
        "*",
    ): "Odoo 11 website_sale.address/values_preprocess do int(country_id) and browse it unchecked",
}

Route = namedtuple("Route", "path rule methods type auth csrf endpoint converters params why primary")
#: ``malformed``: the request carries a malformed value (base values and
#: missing optional keys may legitimately write: only status and logs are checked)
Case = namedtuple("Case", "name http_method converters params raw_json malformed")


def _soon_classes(cls):
    return [klass for klass in cls.__mro__ if klass.__module__.startswith(SOON_PREFIX)]


def _endpoint_source(method):
    """Source of every definition of the endpoint along its controller's MRO."""
    texts = []
    for klass in type(method.__self__).__mro__:
        function = vars(klass).get(method.__name__)
        if function is not None:
            try:
                texts.append(inspect.getsource(function))
            except (OSError, TypeError):
                pass
    return "\n".join(texts)


def _converter_kind(converter):
    name = type(converter).__name__
    if name in ("SignedIntConverter", "IntegerConverter"):
        return "int"
    if name in ("UnicodeConverter", "PathConverter"):
        return "string"
    return name


def discover_routes(env):
    """Every route the SoOn add-ons define, override or change, with why."""
    modules = [""] + list(odoo.conf.server_wide_modules) + sorted(env.registry._init_modules - {"web"})
    routing = odoo.http.routing_map(modules, False, converters=env["ir.http"]._get_converters())
    rules = list(routing.iter_rules())
    helpers = set()
    for rule in rules:
        for klass in _soon_classes(type(rule.endpoint.method.__self__)):
            helpers |= {
                name
                for name, value in vars(klass).items()
                if callable(value) or isinstance(value, (staticmethod, classmethod))
            }
    for model_class in env.registry.values():
        for klass in _soon_classes(model_class):
            helpers |= {
                name
                for name, value in vars(klass).items()
                if callable(value) and name.startswith("_") and not name.startswith("__")
            }
    helpers -= set(dir(models.BaseModel)) | set(dir(http.Controller))
    env.cr.execute("""SELECT DISTINCT parent.key FROM ir_ui_view view
                        JOIN ir_ui_view parent ON parent.id = view.inherit_id
                        JOIN ir_model_data data ON data.model = 'ir.ui.view' AND data.res_id = view.id
                       WHERE data.module LIKE 'soon\\_%%' AND parent.key IS NOT NULL""")
    templates = {row[0] for row in env.cr.fetchall()}
    routes = OrderedDict()
    endpoints = set()
    for rule in rules:
        method = rule.endpoint.method
        if any(method.__name__ in vars(klass) for klass in _soon_classes(type(method.__self__))):
            why = "defined or overridden by %s" % _soon_classes(type(method.__self__))[0].__module__
        else:
            source = _endpoint_source(method)
            uses = sorted(name for name in helpers if re.search(r"\.%s\(" % re.escape(name), source))
            uses += sorted(key for key in templates if re.search(r"[\"']%s[\"']" % re.escape(key), source))
            if not uses:
                continue
            why = "uses " + ", ".join(uses)
        routing_ = rule.endpoint.routing
        signature = inspect.signature(method)
        params = [
            name
            for name, param in signature.parameters.items()
            if param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL) and name not in rule.arguments
        ]
        required = {
            name
            for name, param in signature.parameters.items()
            if param.default is param.empty and param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL)
        }
        routes[rule.rule] = Route(
            path=rule.rule,
            rule=rule,
            methods=sorted(rule.methods or ()) or None,
            type=routing_["type"],
            auth=routing_["auth"],
            csrf=routing_.get("csrf", True),
            endpoint=method.__name__,
            converters=OrderedDict((arg, _converter_kind(conv)) for arg, conv in sorted(rule._converters.items())),
            params=OrderedDict((name, name in required) for name in params),
            why=why,
            primary=method.__func__ not in endpoints,
        )
        endpoints.add(method.__func__)
    return routes


def param_kind(name):
    for pattern, kind in PARAM_KINDS.items():
        if re.fullmatch(pattern, name):
            return kind
    return None


class CapturedLogs(logging.Handler):
    """ERROR records and records with a traceback, from any thread."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)

    def take(self):
        records, self.records = self.records, []
        return [self.describe(record) for record in records]

    @staticmethod
    def describe(record):
        """``logger: exception`` (the traceback's last line), short."""
        if record.exc_info and record.exc_info[0]:
            what = "%s: %s" % (record.exc_info[0].__name__, record.exc_info[1])
        else:
            lines = [line for line in record.getMessage().splitlines() if line.strip()]
            what = lines[-1] if lines and "Traceback" in record.getMessage() else (lines or [""])[0]
        return "%s %s: %s" % (record.levelname, record.name, what.strip()[:200])


@common.at_install(False)
@common.post_install(True)
class TestGuardRoutes(RefundsDataMixin, SoonHttpCase):
    """No malformed request to a SoOn route answers 500, logs a traceback or writes."""

    #: routes discovery must find (so that it can never silently find nothing)
    EXPECTED = (
        "/shop/cart",
        "/shop/cart/update_json",
        "/shop/cart/resume/<int:order_id>/<string:access_token>",
        "/shop/cart/unsubscribe/<int:partner_id>/<string:token>",
        "/shop/terms/accept",
        "/shop/payment/transaction/",
        "/shop/payment/validate",
        "/shop/payment/token",
        "/payment/soon_demo/pay",
        "/payment/soon_demo/feedback",
        "/my/orders/<int:order_id>/return",
        "/my/returns",
        "/my/returns/<int:request_id>",
        "/my/orders/<int:order>",
        "/shop/address",
    )

    def setUp(self):
        super().setUp()
        self._setup_refund_data()
        env = self.env
        self.use_english_website()
        (self.product_a | self.product_b).write({"website_published": True})
        self.transfer = env.ref("payment.payment_acquirer_transfer")
        self.transfer.sudo().website_published = True
        self.own_order = self._paid_order(self.customer.partner_id, [(self.product_a, 2, 50.0)], deliver=True)
        self.other_order = self._paid_order(self.stranger.partner_id, [(self.product_b, 1, 80.0)], deliver=True)
        Request = env["return.request"]
        self.own_return = Request._portal_submit(
            self.own_order, self._form(self.own_order, [(self.product_a, 1, self.reason_changed, "own")])
        )
        self.other_return = Request._portal_submit(
            self.other_order, self._form(self.other_order, [(self.product_b, 1, self.reason_changed, "other")])
        )
        self.other_token = env["payment.token"].create(
            {
                "name": "Stranger's card",
                "partner_id": self.stranger.partner_id.id,
                "acquirer_id": self.demo.id,
                "acquirer_ref": "tok_stranger",
            }
        )
        self.hidden_acquirer = env["payment.acquirer"].create(
            {"name": "Unpublished (guard test)", "provider": "manual", "company_id": self.company.id}
        )
        self.hidden_product = env["product.product"].create({"name": "Unpublished (guard test)"})
        self.carts = {
            "anonymous": self._cart(env.ref("base.public_partner")),
            "portal": self._cart(self.customer.partner_id),
        }
        self.demo_tx = env["payment.transaction"]._check_or_create_sale_tx(self.carts["portal"], self.demo)
        self.other_ids = {
            "order": self.other_order.id,
            "tx": self._payment(self.other_order).id,
            "partner": self.stranger.partner_id.id,
            "return": self.other_return.id,
            "payment_token": self.other_token.id,
            "order_line": self.other_order.order_line[0].id,
            "acquirer": self.hidden_acquirer.id,
            "product": self.hidden_product.id,
        }
        self.logs = CapturedLogs()
        logging.getLogger().addHandler(self.logs)
        self.addCleanup(logging.getLogger().removeHandler, self.logs)

    def _cart(self, partner):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "website_order": True,
                "pricelist_id": self.env.ref("website.default_website").get_current_pricelist().id
                or self.env.ref("product.list0").id,
                "team_id": self.env.ref("sales_team.salesteam_website_sales").id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1, "price_unit": 50.0})],
            }
        )

    # ------------------------------------------------------------ the cases
    def _base(self, route, user):
        """Valid-looking values: converters and required parameters, and the
        form of ``**kw`` routes, so that each malformed value reaches the code."""
        cart = self.carts[user]
        converters = {
            "order_id": self.own_order.id,
            "order": self.own_order.id,
            "so_id": cart.id,
            "partner_id": self.customer.partner_id.id,
            "request_id": self.own_return.id,
            "page": 1,
            "access_token": "not-the-token",
            "token": "not-the-token",
        }
        required = {
            "acquirer_id": self.transfer.id,
            "product_id": self.product_a.id,
            "date_from": "2020-01-01",
            "date_to": "2020-12-31",
        }
        params = {name: required[name] for name, is_required in route.params.items() if is_required}
        form = self.KNOWN_FORMS.get(route.endpoint)
        if form:
            params.update(form(self, user))
        return {arg: converters.get(arg, 1) for arg in route.converters}, params

    def _demo_form(self, user, outcome=None):
        return dict(self.demo_tx._soon_demo_form_data(outcome=outcome), return_url="/shop/payment/validate")

    def _return_form(self, user):
        line = self.own_order.order_line[0]
        return {
            "method": "dropoff",
            "qty-%d" % line.id: "1",
            "reason-%d" % line.id: str(self.reason_changed.id),
            "comment-%d" % line.id: "guard",
        }

    def _address_form(self, user):
        partner = self.customer.partner_id if user == "portal" else self.env["res.partner"]
        return {
            "submitted": "1",
            "partner_id": str(partner.id or -1),
            "name": "Guard Customer",
            "email": "guard@example.com",
            "phone": "+84 91 234 56 78",
            "street": "1 Le Loi",
            "city": "Ho Chi Minh",
            "zip": "70000",
            "country_id": str(self.env.ref("base.vn").id),
        }

    #: endpoint name -> its form (routes reading ``**kw``/``**post``)
    KNOWN_FORMS = {
        "soon_demo_pay": _demo_form,
        "soon_demo_feedback": lambda self, user: self._demo_form(user, outcome="done"),
        "portal_order_return": _return_form,
        "address": _address_form,
    }

    @staticmethod
    def _sample(values, user):
        """The first value (non-ASCII) for both users, the others shared
        between the two users (the corpus is covered once per route)."""
        offset = 1 if user == "anonymous" else 0
        return values[:1] + [value for index, value in enumerate(values[1:]) if index % 2 == offset]

    def _bad_values(self, kind, json_route, user):
        family, _sep, record = kind.partition(":")
        values = self._sample(list((JSON_BAD if json_route else HTTP_BAD)[family]), user)
        if record in self.other_ids:
            other = self.other_ids[record]
            values.append(other if json_route else str(other))
        return values

    def _cases(self, route, user):
        converters, base = self._base(route, user)
        json_route = route.type == "json"
        if route.methods and "GET" not in route.methods:
            http_method = "POST"
        else:
            http_method = "GET"
        cases = [Case("missing parameters", http_method, converters, {}, None, False)]
        if base:
            cases.append(Case("base values", http_method, converters, base, None, False))
        for arg, kind in route.converters.items():
            values = self._sample(
                ["é", "-1", "0", str(INT4_MAX), str(INT4_MAX + 1), str(2**63)]
                if kind == "int"
                else NON_ASCII + ["x" * 3000, "%00", "..", "a b"],
                user,
            )
            record = (param_kind(arg) or "").partition(":")[2]
            if kind == "int" and record in self.other_ids:
                values.append(str(self.other_ids[record]))
            for value in values:
                cases.append(
                    Case("<%s>=%r" % (arg, value[:20]), http_method, dict(converters, **{arg: value}), base, None, True)
                )
        if not route.primary:
            # another URL of an endpoint already tried with every parameter
            return cases
        keys = list(OrderedDict.fromkeys(list(route.params) + list(base)))
        for key in keys:
            kind = param_kind(key)
            if kind is None:
                self.unknown.append("%s: parameter %r has no kind in PARAM_KINDS" % (route.path, key))
                continue
            for value in self._bad_values(kind, json_route, user):
                cases.append(
                    Case(
                        "%s=%r" % (key, value if not isinstance(value, str) else value[:20]),
                        http_method,
                        converters,
                        dict(base, **{key: value}),
                        None,
                        True,
                    )
                )
            if key in base and kind != "free":
                cases.append(
                    Case(
                        "%s missing" % key,
                        http_method,
                        converters,
                        {k: v for k, v in base.items() if k != key},
                        None,
                        False,
                    )
                )
        if json_route:
            cases.append(Case("params as a JSON list", "POST", converters, None, [1, "é"], True))
            cases.append(Case("params as a JSON string", "POST", converters, None, "é", True))
        elif (
            http_method == "GET"
            and (route.methods is None or "POST" in route.methods)
            and keys
            and route.why.startswith("defined")
        ):
            # the same values posted as a form (CSRF token included)
            bad = {
                key: (self._bad_values(param_kind(key), False, user) or [base.get(key, "")])[0]
                for key in keys
                if param_kind(key)
            }
            cases.append(Case("form post of %s" % sorted(bad), "POST", converters, dict(base, **bad), None, True))
        return cases

    # ------------------------------------------------------------ requests
    def _url(self, route, converters):
        def value(match):
            return quote(str(converters[match.group(1)]), safe="")

        return re.sub(r"<[^<>]*?(\w+)>", value, route.path)

    def _send(self, route, case):
        url = self.base_url + self._url(route, case.converters)
        if route.type == "json":
            params = case.raw_json if case.raw_json is not None else case.params
            body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
            return self.opener.post(
                url,
                data=body.encode(),
                headers={"Content-Type": "application/json"},
                timeout=120,
                allow_redirects=False,
            )
        params = {key: str(value) for key, value in case.params.items()}
        if case.http_method == "POST":
            if route.csrf:
                params["csrf_token"] = self.csrf
            return self.opener.post(url, data=params, timeout=120, allow_redirects=False)
        if params:
            url += "?" + urlencode(params)
        return self.opener.get(url, timeout=120, allow_redirects=False)

    def _table_state(self):
        cr = self.http_cr
        state = {}
        for table in WATCHED_TABLES:
            cr.execute(
                "SELECT count(*), md5(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id)) FROM %s" % table
            )
            state[table] = cr.fetchone()
        return state

    def _check(self, route, case):
        """Problems of one request (empty list: fine)."""
        self.sync()
        before = self._table_state()
        self.logs.take()
        try:
            response = self._send(route, case)
        except Exception as exc:  # noqa: BLE001 - a dropped connection is a finding too
            return ["no answer: %s" % exc]
        problems = []
        if response.status_code >= 500:
            problems.append("HTTP %s" % response.status_code)
        elif route.type == "json" and response.status_code == 200:
            try:
                error = response.json().get("error")
            except ValueError:
                error = {"data": {"name": "not JSON"}, "message": response.text[:100]}
            if error:
                data = error.get("data") or {}
                if data.get("name") not in REFUSALS:
                    problems.append("JSON error %s: %s" % (data.get("name"), str(data.get("message"))[:150]))
        problems += ["logged " + line for line in self.logs.take()]
        after = self._table_state()
        changed = sorted(table for table in WATCHED_TABLES if before[table] != after[table])
        if changed and case.malformed:
            problems.append("wrote rows of %s" % ", ".join(changed))
        return problems

    @staticmethod
    def _allowed(route, case, user):
        """The ALLOWED entry (path regex, parameter, user) matching a failure."""
        key = re.match(r"<?([\w-]+)", case.name).group(1)
        for path, param, who in ALLOWED:
            if re.fullmatch(path, route.path) and param in (key, "*") and who in (user, "*"):
                return True
        return False

    def _session_cart(self, user):
        session = odoo.http.root.session_store.get(self.session_id)
        session["sale_order_id"] = self.carts[user].id
        odoo.http.root.session_store.save(session)

    def _csrf_token(self):
        self.sync()
        page = self.opener.get(self.base_url + "/web/login", timeout=120).text
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', page)
        self.assertTrue(match, "no CSRF token on /web/login")
        return match.group(1)

    # ------------------------------------------------------------ the test
    def test_malformed_input_to_every_route(self):
        routes = discover_routes(self.env)
        found = "\n".join("  %s %s %s (%s)" % (r.type, r.auth, r.path, r.why) for r in routes.values())
        missing = [path for path in self.EXPECTED if path not in routes]
        self.assertFalse(missing, "route discovery missed %s; it found:\n%s" % (missing, found))
        # SOON_GUARD_ROUTES=<regex>: only the matching routes (to iterate on a fix)
        only = os.environ.get("SOON_GUARD_ROUTES")
        selected = [route for route in routes.values() if not only or re.search(only, route.path)]
        self.unknown = []
        failures = []
        counts = {"requests": 0}
        started = time.time()
        for user in ("anonymous", "portal"):
            if user == "portal":
                self.authenticate(self.customer.login, self.customer.login)
            self._session_cart(user)
            self.csrf = self._csrf_token()
            for route in selected:
                for case in self._cases(route, user):
                    counts["requests"] += 1
                    problems = self._check(route, case)
                    if problems and not self._allowed(route, case, user):
                        failures.append(
                            "%s [%s] %s %s: %s" % (route.path, user, case.http_method, case.name, "; ".join(problems))
                        )
        report = "%d routes, %d requests in %.0f s\n%s" % (
            len(routes),
            counts["requests"],
            time.time() - started,
            found,
        )
        problems = sorted(set(self.unknown)) + failures
        self.assertFalse(
            problems, "%d malformed requests failed:\n%s\n\n%s" % (len(failures), "\n".join(problems), report)
        )
