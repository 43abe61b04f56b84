"""Guard: every public method of the SoOn add-ons, called over JSON-RPC by the wrong user.

Odoo 11 lets any logged-in user call any public method (no leading
underscore) of any model through ``/web/dataset/call_kw`` on records they can
merely name.  This test walks the registry, finds every public method a
``soon_*`` add-on defines (the defining class's ``__module__`` starts with
``odoo.addons.soon_``, overrides of Odoo's methods included), and calls each
one through a real HTTP session

* as a portal customer, on another customer's records;
* as a salesperson limited to "Own Documents Only", on the records of another
  salesperson's order of another customer.

Each call must be refused (AccessError, MissingError, a UserError...) or
answer nothing about that customer (name, email, street, phone, access and
unsubscribe tokens) and write nothing (no row of the tables below changes,
appears or disappears).  A new public method is covered automatically: it is
called on the other customer's records of its model, and the test fails with
a clear message when it needs arguments that ``ARGS`` does not give (review
it, then add it there) or when its model has no record in ``_targets``.
``ALLOWED`` lists the methods not called, each with its reason.
"""

import inspect
import json
import os

from odoo import fields
from odoo.models import MAGIC_COLUMNS
from odoo.tests import common

from soon_testing.common import SoonHttpCase, make_internal_user, make_portal_user

from .refund_common import RefundsDataMixin

SOON_MODULES = "odoo.addons.soon_"
VERBOSE = os.environ.get("SOON_GUARD_VERBOSE") == "1"

#: (model, method) not called, and why
ALLOWED = {
    ("sale.order", "init"): "Odoo's install hook (BaseModel.init is public in every Odoo 11 model): "
    "recreates the add-on's indexes, returns nothing, reads no record",
    ("sale.cart.recovery.report", "init"): "Odoo's install hook: recreates the report's SQL view "
    "(same definition), returns nothing, reads no record",
    ("return.report", "init"): "Odoo's install hook: recreates the report's SQL view "
    "(same definition), returns nothing, reads no record",
    ("delivery.carrier", "get_tracking_link"): "takes a stock.picking recordset: JSON-RPC can only pass an "
    "id, which fails before anything is read (should be private)",
}

#: (model, method, record label, user kind) whose call may succeed, and why
#: (user kinds: "portal", "own_docs_salesman")
ALLOWED_CALLS = {
    (
        "stock.picking",
        "action_done",
        "pending delivery",
        "own_docs_salesman",
    ): "Odoo 11 (sale_stock) gives every salesperson write access to every delivery, without record "
    "rule: validating a delivery still to do is theirs; a finished one is refused",
    (
        "stock.backorder.confirmation",
        "process",
        "the caller's own wizard",
        "own_docs_salesman",
    ): "validates the pending delivery like stock.picking.action_done above",
    (
        "stock.backorder.confirmation",
        "process_cancel_backorder",
        "the caller's own wizard",
        "own_docs_salesman",
    ): "validates the pending delivery like stock.picking.action_done above",
}

#: inherited (Odoo) methods called as if the add-ons defined them: the
#: add-ons' own guarantees depend on who may call them
EXTRA = {
    ("payment.transaction", "create"): "refunds trust the provider reference, state and amount",
    ("payment.transaction", "write"): "refunds trust the provider reference, state and amount",
    ("payment.refund.wizard", "create"): "the manager check must hold whatever the way in",
    ("return.request.line", "write"): "returns follow the order's visibility",
}

GENERIC_WHY = "generic method of a model the add-ons define"

#: generic methods called on every model a SoOn add-on defines (``_name``);
#: ``write`` without an ARGS entry changes one writable field (generic_write_values)
GENERIC = ("read", "write", "unlink")


def _args_table():
    """(model, method) -> function(case) -> (args after the ids, kwargs)."""

    def tx_vals(t):
        return {
            "acquirer_id": t.demo.id,
            "amount": 1.0,
            "currency_id": t.v_order.currency_id.id,
            "reference": "GUARD-%s" % t.v_order.name,
            "partner_id": t.victim.id,
            "sale_order_id": t.v_order.id,
            "state": "done",
            "acquirer_reference": "ch_guard",
        }

    return {
        ("mail.template", "generate_email"): lambda t: ([t.v_order.ids], {}),
        ("email_template.preview", "generate_email"): lambda t: ([t.v_order.ids], {}),
        ("payment.acquirer", "create"): lambda t: (
            [{"name": "Guard acquirer", "provider": "soon_demo", "environment": "test", "website_published": True}],
            {},
        ),
        ("payment.acquirer", "soon_demo_form_generate_values"): lambda t: (
            [{"reference": t.v_tx.reference, "amount": t.v_tx.amount}],
            {},
        ),
        ("payment.refund.wizard", "default_get"): lambda t: (
            [["order_id", "transaction_id", "amount", "reason", "method"]],
            {"context": {"default_order_id": t.v_order.id}},
        ),
        ("payment.refund.wizard", "create"): lambda t: ([t.refund_wizard_values()], {}),
        ("soon.delivery.process", "default_get"): lambda t: (
            [["sale_order_ids", "picking_ids", "print_labels"]],
            {"context": {"active_model": "sale.order", "active_ids": t.v_pending.ids}},
        ),
        ("report.soon_delivery_flow.report_shipping_label", "get_report_values"): lambda t: ([t.v_delivery.ids], {}),
        ("report.soon_delivery_flow.report_shipping_label_package", "get_report_values"): lambda t: (
            [t.v_delivery.ids],
            {},
        ),
        ("return.report", "read_group"): lambda t: (
            [[("order_id", "=", t.v_order.id)], ["partner_id", "order_id"], ["partner_id"]],
            {"lazy": False},
        ),
        ("return.request", "create"): lambda t: (
            [
                {
                    "order_id": t.v_order.id,
                    "partner_id": t.victim.id,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "sale_line_id": t.v_order_line_b.id,
                                "quantity": 1,
                                "reason_id": t.reason_other.id,
                                "comment": "guard",
                            },
                        )
                    ],
                }
            ],
            {},
        ),
        ("return.request", "write"): lambda t: ([{"return_method": "pickup"}], {}),
        ("return.request.line", "write"): lambda t: ([{"comment": "written by the guard test"}], {}),
        ("payment.refund.wizard", "write"): lambda t: ([{"amount": 1.0, "transaction_id": t.v_tx.id}], {}),
        ("payment.transaction", "create"): lambda t: ([tx_vals(t)], {}),
        ("payment.transaction", "write"): lambda t: ([{"acquirer_reference": "ch_guard_attacker"}], {}),
    }


ARGS = _args_table()

#: tables whose rows (ids and row versions) must not change on a refused
#: call, with those of every model the add-ons define (``_watched_tables``)
TABLES = (
    "sale_order",
    "sale_order_line",
    "stock_picking",
    "stock_move",
    "stock_move_line",
    "stock_quant",
    "account_invoice",
    "account_move",
    "account_payment",
    "payment_transaction",
    "payment_acquirer",
    "return_request",
    "return_request_line",
    "sale_cart_recovery_reminder",
    "sale_cart_recovery_step",
    "mail_mail",
    "mail_message",
    "ir_config_parameter",
    "payment_refund_wizard",
    "return_request_reject",
    "soon_delivery_process",
)

#: what a refusal looks like in a JSON-RPC error (Odoo's serialize_exception)
REFUSALS = {"user_error", "warning", "access_error", "missing_error", "access_denied", "validation_error", "except_orm"}


#: transient models whose own records a user may fill in and delete (using, closing the wizard)
TRANSIENT_OWN_OK = (
    "payment.refund.wizard",
    "return.request.reject",
    "soon.delivery.process",
    "soon.delivery.process.line",
    "stock.backorder.confirmation",
    "mail.compose.message",
    "res.config.settings",
    "email_template.preview",
)


def soon_public_methods(env):
    """{(model, method): defining module} of every public method a SoOn add-on defines."""
    found = {}
    for model_name in sorted(env.registry.models):
        cls = type(env[model_name])
        for klass in cls.__mro__:
            module = getattr(klass, "__module__", "") or ""
            if not module.startswith(SOON_MODULES):
                continue
            for name, value in vars(klass).items():
                if name.startswith("_") or isinstance(value, type) or not callable(value):
                    continue
                found.setdefault((model_name, name), module)
    return found


def soon_models(env):
    """Models a SoOn add-on defines (not only extends), abstract ones aside."""
    return sorted(
        name
        for name, model in env.registry.models.items()
        if (model._original_module or "").startswith("soon_") and not model._abstract
    )


def stored_fields(env, model):
    """What an attacker reads: the stored fields a record rule or access right
    must protect (a read of every field may fail on one of them only)."""
    return sorted(
        name
        for name, field in env[model]._fields.items()
        if field.store and field.type not in ("one2many", "many2many", "binary")
    )


#: what a generic write puts in a field, by type
WRITE_VALUES = {
    "char": "written by the guard test",
    "text": "written by the guard test",
    "integer": 7,
    "float": 7.0,
    "monetary": 7.0,
    "boolean": True,
}


def generic_write_values(env, model):
    """One stored field of ``model`` and a value for it (None if it has none)."""
    for name, field in sorted(
        env[model]._fields.items(), key=lambda item: (item[1].type not in ("char", "text"), item[0])
    ):
        # ``readonly`` binds the views only: over RPC those fields are written like any other
        if (
            field.store
            and field.type in WRITE_VALUES
            and not field.compute
            and not field.related
            and name not in MAGIC_COLUMNS
        ):
            return {name: WRITE_VALUES[field.type]}
    return None


def required_args(env, model, method):
    """The positional arguments ``method`` needs after self (the ids)."""
    signature = inspect.signature(getattr(type(env[model]), method))
    return [
        param.name
        for param in list(signature.parameters.values())[1:]
        if param.default is param.empty and param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD)
    ]


@common.at_install(False)
@common.post_install(True)
class TestGuardPublicMethods(RefundsDataMixin, SoonHttpCase):
    def setUp(self):
        super().setUp()
        self._setup_refund_data()
        env = self.env
        # the other customer, with data that must never show
        self.victim = self.customer.partner_id
        self.victim.write(
            {"street": "77 Zephyr Victim Street", "phone": "+84 28 7777 0199", "email": "zephyr.victim@example.com"}
        )
        self.other_salesman = make_internal_user(
            env, "Guard Other Salesman", "guard_other_salesman", "sales_team.group_sale_salesman", lang="en_US"
        )
        self.own_docs_salesman = make_internal_user(
            env, "Guard Own Salesman", "guard_own_salesman", "sales_team.group_sale_salesman", lang="en_US"
        )
        website_team = env.ref("sales_team.salesteam_website_sales")
        # a paid, delivered, invoiced order with a received return and a refund
        self.v_order = self._paid_order(
            self.victim, [(self.product_a, 3, 50.0), (self.product_b, 1, 80.0)], deliver=True
        )
        self.v_order_line_b = self._line(self.v_order, self.product_b)
        self.v_tx = self._payment(self.v_order)
        self.v_delivery = self.v_order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")[:1]
        self.v_received = self._received_return(self.v_order, [(self.product_a, 1, self.reason_other)])
        self.v_submitted = env["return.request"]._portal_submit(
            self.v_order, self._form(self.v_order, [(self.product_a, 1, self.reason_other, "guard")])
        )
        (self.v_received | self.v_submitted).mapped("line_ids").write({"comment": "Zephyr's private return note"})
        self.v_refund = self.v_tx.sudo(self.manager)._refund(amount=5.0)
        # a confirmed order still to deliver, a cart with a reminder
        self.v_pending = env["sale.order"].create(
            {
                "partner_id": self.victim.id,
                "team_id": website_team.id,
                "website_order": True,
                "order_line": [(0, 0, {"product_id": self.product_b.id, "product_uom_qty": 1, "price_unit": 80.0})],
            }
        )
        self.v_pending.action_confirm()
        self.v_cart = env["sale.order"].create(
            {
                "partner_id": self.victim.id,
                "team_id": website_team.id,
                "website_order": True,
                "order_line": [(0, 0, {"product_id": self.product_b.id, "product_uom_qty": 2, "price_unit": 80.0})],
            }
        )
        self.v_reminder = env["sale.cart.recovery.reminder"].create(
            {"order_id": self.v_cart.id, "partner_id": self.victim.id, "step": 1, "date": fields.Datetime.now()}
        )
        orders = self.v_order | self.v_pending | self.v_cart
        orders.write({"user_id": self.other_salesman.id})
        if not self.v_order.invoice_ids:
            self.v_order.action_invoice_create()
        self.v_invoices = self.v_order.invoice_ids
        self.v_invoices.filtered(lambda inv: inv.state == "draft").action_invoice_open()
        self.v_invoices.write({"user_id": self.other_salesman.id})
        self.v_payments = env["account.payment"].search([("partner_id", "=", self.victim.id)])
        self.secrets = self._secrets()
        self.sync()

    # ------------------------------------------------------------------ data
    def _secrets(self):
        """What must never reach the wrong user: label -> value."""
        secrets = {
            "the customer's name": self.victim.name,
            "the customer's email": self.victim.email,
            "the customer's street": self.victim.street,
            "the customer's phone": self.victim.phone,
            "the customer's comment on a return": "Zephyr's private return note",
        }
        for record in self.v_order | self.v_pending | self.v_cart:
            secrets["the access token of %s" % record.name] = record.access_token
        for record in self.v_invoices:
            secrets["the access token of invoice %s" % record.id] = record.access_token
        for record in self.v_received | self.v_submitted:
            secrets["the access token of return %s" % record.name] = record.access_token
        partner = self.victim
        secrets["the customer's unsubscribe token"] = partner._cart_recovery_unsubscribe_token()
        return {label: value for label, value in secrets.items() if value}

    def refund_wizard_values(self):
        """Every field given: Odoo then skips ``default_get`` (where the manager check once was alone)."""
        values = {name: False for name in self.env["payment.refund.wizard"]._fields if name not in MAGIC_COLUMNS}
        values.update(
            {
                "order_id": self.v_order.id,
                "transaction_id": self.v_tx.id,
                "method": "manual",
                "journal_id": self.bank_journal.id,
                "amount": 1.0,
                "reason": "guard",
            }
        )
        return values

    def _targets(self, user):
        """model -> [(label, ids)]: the records each public method is called on."""
        victim_orders = self.v_order | self.v_pending | self.v_cart
        targets = {
            "sale.order": [("paid order", self.v_order), ("pending order", self.v_pending), ("cart", self.v_cart)],
            "sale.order.line": [("order line", self.v_order.order_line[:1])],
            "stock.picking": [("done delivery", self.v_delivery), ("pending delivery", self.v_pending.picking_ids[:1])],
            "stock.move": [("delivery move", self.v_delivery.move_lines[:1])],
            "account.invoice": [("invoice", self.v_invoices)],
            "account.payment": [("payment %s" % payment.id, payment) for payment in self.v_payments],
            "payment.transaction": [("payment", self.v_tx), ("refund", self.v_refund)],
            "return.request": [("received return", self.v_received), ("submitted return", self.v_submitted)],
            "return.request.line": [
                ("received return line", self.v_received.line_ids[:1]),
                ("submitted return line", self.v_submitted.line_ids[:1]),
            ],
            "res.partner": [("customer", self.victim)],
            "sale.cart.recovery.reminder": [("reminder", self.v_reminder)],
            "payment.acquirer": [("demo acquirer", self.demo)],
            "delivery.carrier": [("carrier", self.env["delivery.carrier"].search([], limit=1))],
            "mail.template": [
                ("cart reminder template", self.env.ref("soon_ecommerce_orders.mail_template_cart_recovery"))
            ],
            "sale.cart.recovery.step": [
                ("step", self.env["sale.cart.recovery.step"].with_context(active_test=False).search([], limit=1))
            ],
            "sale.cart.recovery.report": [
                (
                    "report line",
                    self.env["sale.cart.recovery.report"].search([("order_id", "in", victim_orders.ids)], limit=1),
                )
            ],
            "return.reason": [("reason", self.reason_other)],
            "return.report": [
                ("report line", self.env["return.report"].search([("order_id", "=", self.v_order.id)], limit=1))
            ],
        }
        # wizards: one opened by a manager for that customer (not the caller's),
        # and one the caller opens themselves on that customer's records
        wizards = {
            "payment.refund.wizard": self.refund_wizard_values(),
            "return.request.reject": {"request_ids": [(6, 0, self.v_submitted.ids)], "reason": "guard"},
            "soon.delivery.process": {"sale_order_ids": [(6, 0, self.v_pending.ids)], "print_labels": False},
            "stock.backorder.confirmation": {"pick_ids": [(6, 0, self.v_pending.picking_ids.ids)]},
            "mail.compose.message": {
                "model": "sale.order",
                "res_id": self.v_order.id,
                "composition_mode": "comment",
                "body": "guard",
                "partner_ids": [(6, 0, self.victim.ids)],
            },
            "res.config.settings": {},
            # a template of the caller's own making, rendered on that customer's order
            "email_template.preview": {
                "name": "guard",
                "model_id": self.env.ref("sale.model_sale_order").id,
                "subject": "${object.partner_id.email}",
                "body_html": "${object.partner_id.name} ${object.partner_id.street} ${object.access_token}",
            },
        }
        for model, values in wizards.items():
            found = []
            creators = (
                ("an administrator's", self.env.user),
                ("a manager's", self.manager),
                ("the caller's own", user),
            )
            for label, creator in creators:
                try:
                    with self.env.cr.savepoint():
                        found.append(("%s wizard" % label, self.env[model].sudo(creator).create(dict(values))))
                except Exception as exc:  # noqa: BLE001 - refused to that user: nothing to call on
                    self._log("%s: %s cannot create it: %s" % (model, creator.name, exc))
            targets[model] = found
        targets["soon.delivery.process.line"] = [
            (
                "%s line" % label,
                self.env["soon.delivery.process.line"]
                .sudo(wizard.create_uid)
                .create(
                    {
                        "wizard_id": wizard.id,
                        "name": self.v_pending.name,
                        "sale_order_id": self.v_pending.id,
                        "picking_ids": [(6, 0, self.v_pending.picking_ids.ids)],
                        "result": "skipped",
                        "reason": "guard",
                    }
                ),
            )
            for label, wizard in targets["soon.delivery.process"]
        ]
        self.sync()
        return targets

    def _watched_tables(self):
        models = [self.env[name] for name in soon_models(self.env)]
        return sorted(set(TABLES) | {model._table for model in models if model._auto})

    def _snapshot(self):
        """Row count and row versions of every watched table (ctid changes on any UPDATE)."""
        cr = self.http_cr
        state = {}
        for table in self._watched_tables():
            cr.execute(
                "SELECT count(*), md5(coalesce(string_agg(id::text || ctid::text, ',' ORDER BY id), '')) "
                "FROM %s" % table
            )
            state[table] = cr.fetchone()
        cr.execute("SELECT ctid::text FROM res_partner WHERE id = %s", (self.victim.id,))
        state["res_partner (the customer)"] = cr.fetchone()
        return state

    # ------------------------------------------------------------------ calls
    def _methods(self):
        """[(model, method, why)] to call: discovered, EXTRA and GENERIC ones.

        Reads first, deletions last: a call that wrongly succeeds changes the
        records, and must neither hide a leak nor remove the targets of the
        calls after it."""
        env = self.env
        generic = [(model, method, GENERIC_WHY) for model in soon_models(env) for method in GENERIC]
        methods = [entry for entry in generic if entry[1] == "read"]
        methods += [
            (model, method, "defined in %s" % module) for (model, method), module in soon_public_methods(env).items()
        ]
        methods += [
            (model, method, "inherited, listed in EXTRA: %s" % why)
            for (model, method), why in EXTRA.items()
            if model in env.registry.models
        ]
        methods += [entry for entry in generic if entry[1] != "read"]
        methods.sort(key=lambda entry: entry[1] == "unlink")  # stable: the rest keeps its order
        seen, unique = set(), []
        for model, method, why in methods:
            if (model, method) not in seen and (model, method) not in ALLOWED:
                seen.add((model, method))
                unique.append((model, method, why))
        return unique

    def _call(self, model, method, args, kwargs):
        self.sync()
        response = self.opener.post(
            "%s/web/dataset/call_kw/%s/%s" % (self.base_url, model, method),
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
            },
            timeout=60,
        )
        return response

    def _log(self, line):
        """SOON_GUARD_VERBOSE=1 prints every call and its outcome."""
        if VERBOSE:
            print(line)  # noqa: T201

    def _check(self, model, method, label, args, kwargs):
        """Call once; return the list of problems found (empty: guarded)."""
        before = self._snapshot()
        response = self._call(model, method, args, kwargs)
        self.refresh()
        problems = []
        if response.status_code != 200:
            return ["HTTP %s" % response.status_code]
        # as sent and decoded (escapes of non-ASCII characters)
        text = response.text + json.dumps(response.json(), ensure_ascii=False)
        leaked = [what for what, value in self.secrets.items() if value in text]
        if leaked:
            problems.append("answer shows %s" % ", ".join(leaked))
        after = self._snapshot()
        changed = [table for table in before if before[table] != after[table]]
        if changed:
            problems.append("wrote to %s" % ", ".join(changed))
        error = response.json().get("error")
        if error:
            data = error.get("data") or {}
            if data.get("exception_type") not in REFUSALS:
                message = (data.get("message") or "").strip().splitlines()
                problems.append("crashed with %s (%s) instead of refusing" % (data.get("name"), message[:1]))
        if error:
            outcome = "refused: %s %.200s" % (
                (error.get("data") or {}).get("name"),
                (error.get("data") or {}).get("message"),
            )
        else:
            outcome = "answered %.160s" % response.text
        self._log("%s.%s on %s -> %s" % (model, method, label, problems or outcome))
        for index, problem in enumerate(problems):
            problems[index] = "%s.%s on %s: %s" % (model, method, label, problem)
        return problems

    def _run_as(self, user, kind):
        self.authenticate(user.login, user.login)
        env = self.env
        targets = self._targets(user)
        failures = []
        calls = 0
        for model, method, why in self._methods():
            api = getattr(getattr(type(env[model]), method), "_api", None)
            generic = why == GENERIC_WHY
            if (model, method) in ARGS:
                args, kwargs = ARGS[(model, method)](self)
            elif generic and method == "read":
                args, kwargs = [stored_fields(env, model)], {}
            elif generic and method == "write":
                values = generic_write_values(env, model)
                if not values:
                    continue  # nothing a generic write can change: give it ARGS to test it
                args, kwargs = [values], {}
            elif required_args(env, model, method):
                failures.append(
                    "%s.%s (%s) needs arguments %s: review who may call it over JSON-RPC, then give it "
                    "arguments in ARGS (or a reason in ALLOWED)"
                    % (model, method, why, required_args(env, model, method))
                )
                continue
            else:
                args, kwargs = [], {}
            if api == "model":
                calls += 1
                problems = self._check(model, method, "the model", list(args), dict(kwargs))
                if (model, method, "the model", kind) not in ALLOWED_CALLS:
                    failures += problems
                continue
            records = [(label, ids) for label, ids in targets.get(model, []) if ids]
            if not records:
                failures.append(
                    "%s.%s (%s): no record of %s to call it on: add the other customer's records of this "
                    "model to _targets" % (model, method, why, model)
                )
                continue
            for label, record in records:
                if method in ("write", "unlink") and model in TRANSIENT_OWN_OK and label.startswith("the caller's own"):
                    continue  # filling in or closing one's own wizard
                calls += 1
                problems = self._check(model, method, label, [record.ids] + list(args), dict(kwargs))
                if (model, method, label, kind) not in ALLOWED_CALLS:
                    failures += problems
        self.assertGreater(calls, 50, "the registry walk found too few methods: is the discovery broken?")
        self.assertFalse(
            failures,
            "%d public method call(s) not guarded for %s:\n%s" % (len(failures), user.name, "\n".join(failures)),
        )

    # ------------------------------------------------------------------ tests
    def test_discovery_finds_the_add_ons_methods(self):
        """The walk sees methods of all three add-ons, overrides included."""
        found = soon_public_methods(self.env)
        for key in [
            ("sale.order", "force_quotation_send"),
            ("sale.order", "action_confirm_and_reserve"),
            ("stock.picking", "action_done"),
            ("return.request", "write"),
            ("payment.refund.wizard", "action_refund"),
        ]:
            self.assertIn(key, found)
        # an exception whose method is gone (renamed private, removed) is deleted, not kept
        stale = [key for key in ALLOWED if key not in found]
        stale += [key[:2] for key in ALLOWED_CALLS if key[:2] not in found and key[:2] not in EXTRA]
        self.assertFalse(stale, "ALLOWED / ALLOWED_CALLS name methods the add-ons no longer define: %s" % stale)
        self.assertNotIn(("sale.order", "action_confirm"), found, "Odoo's own methods are not the add-ons'")
        self.assertFalse([key for key in found if key[1].startswith("_")])
        self.assertIn("return.request", soon_models(self.env))

    def test_portal_customer_on_another_customers_records(self):
        portal = make_portal_user(self.env, "Guard Portal Attacker", "guard_portal", lang="en_US")
        self._run_as(portal, "portal")

    def test_own_documents_salesman_on_another_salespersons_records(self):
        self._run_as(self.own_docs_salesman, "own_docs_salesman")
