# -*- coding: utf-8 -*-
import hashlib
import hmac
import logging
import math
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from .settings_keys import (
    DEFAULT_ABANDONED_DELAY,
    DEFAULT_CART_MAX_QTY,
    PARAM_ABANDONED_DELAY,
    PARAM_AUTOMATIC_INVOICE,
    PARAM_CART_MAX_QTY,
    PARAM_TERMS_REQUIRED,
    PARAM_UNPAID_CANCEL_DAYS,
    PARAM_UNPAID_REMINDER_DAYS,
)

_logger = logging.getLogger(__name__)

#: the document's three statuses of a website order (plus cancelled)
WEBSITE_STATUS_STATES = {
    "quotation": ("draft",),
    "sent": ("sent",),
    "order": ("sale", "done"),
    "cancel": ("cancel",),
}
#: payment statuses, strongest first (also the order of the install-hook SQL)
PAYMENT_STATUS_PRIORITY = (
    ("refunded", "refunded"),
    ("done", "paid"),
    ("authorized", "authorized"),
    ("pending", "pending"),
)
PAID_STATUSES = ("paid", "authorized")
UNPAID_STATUSES = ("not_paid", "pending")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------ fields
    website_order = fields.Boolean(
        readonly=True,
        copy=False,
        default=False,
        help="Created by a customer on the website (cart and checkout). Quotations "
        "created in the back office are never website orders, even in a "
        "website sales team.",
    )
    cart_last_activity = fields.Datetime(
        "Last Cart Activity", readonly=True, copy=False, help="Last time the customer changed this cart on the website."
    )
    website_status = fields.Selection(
        [("quotation", "Quotation"), ("sent", "Quotation sent"), ("order", "Order"), ("cancel", "Cancelled")],
        string="eCommerce Status",
        compute="_compute_website_status",
        search="_search_website_status",
        help="Quotation: products are in the cart, checkout not done.\n"
        "Quotation sent: checkout done and order confirmed by the customer, "
        "payment not confirmed yet.\n"
        "Order: checkout done and payment received (or confirmed by the shop).",
    )
    payment_status = fields.Selection(
        [
            ("not_paid", "Not paid"),
            ("pending", "Pending"),
            ("authorized", "Authorized"),
            ("paid", "Paid"),
            ("refunded", "Refunded"),
        ],
        compute="_compute_payment_status",
        store=True,
        readonly=True,
        copy=False,
        track_visibility="onchange",
    )
    has_order_lines = fields.Boolean(
        "Has Lines",
        compute="_compute_has_order_lines",
        search="_search_has_order_lines",
        help="The order or cart holds at least one line.",
    )
    is_unpaid_order = fields.Boolean(
        "Unpaid Order",
        compute="_compute_is_unpaid_order",
        search="_search_is_unpaid_order",
        help="Checkout done, payment not received.",
    )
    is_paid_not_confirmed = fields.Boolean(
        "Paid but Not Confirmed",
        compute="_compute_is_paid_not_confirmed",
        search="_search_is_paid_not_confirmed",
        help="A payment was received or authorized but the order is still a quotation.",
    )
    checkout_date = fields.Datetime(
        readonly=True, copy=False, help="When the customer finished the checkout (the quotation was sent)."
    )
    unpaid_reminder_date = fields.Datetime("Payment Reminder Sent", readonly=True, copy=False)
    terms_accepted_date = fields.Datetime("Terms Accepted On", readonly=True, copy=False)
    terms_accepted_user_id = fields.Many2one("res.users", "Terms Accepted By", readonly=True, copy=False)
    terms_accepted_partner_id = fields.Many2one("res.partner", "Terms Accepted For", readonly=True, copy=False)
    terms_accepted_ip = fields.Char("Terms Accepted From IP", readonly=True, copy=False)
    terms_hash = fields.Char(
        "Accepted Terms Fingerprint",
        readonly=True,
        copy=False,
        help="SHA-256 of the terms and conditions text the customer accepted.",
    )
    cart_recovery_step = fields.Integer(
        "Cart Reminders Sent",
        readonly=True,
        copy=False,
        default=0,
        help="Number of abandoned-cart reminders sent for this cart, automatic and manual.",
    )
    cart_recovery_last_date = fields.Datetime("Last Cart Reminder", readonly=True, copy=False)
    cart_recovery_reminder_ids = fields.One2many(
        "sale.cart.recovery.reminder", "order_id", "Cart Reminders", readonly=True, copy=False
    )

    # ---------------------------------------------------------------- computes
    @api.depends("state")
    def _compute_website_status(self):
        by_state = {state: status for status, states in WEBSITE_STATUS_STATES.items() for state in states}
        for order in self:
            order.website_status = by_state.get(order.state, "quotation")

    def _search_website_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Unsupported search on the eCommerce status."))
        values = [value] if isinstance(value, str) else list(value or [])
        states = [state for status in values for state in WEBSITE_STATUS_STATES.get(status, ())]
        positive = operator in ("=", "in")
        return [("state", "in" if positive else "not in", states)]

    @api.depends("payment_tx_ids.state")
    def _compute_payment_status(self):
        for order in self:
            tx_states = set(order.sudo().payment_tx_ids.mapped("state"))
            order.payment_status = next(
                (status for tx_state, status in PAYMENT_STATUS_PRIORITY if tx_state in tx_states), "not_paid"
            )

    @api.depends("website_order", "state", "payment_status")
    def _compute_is_unpaid_order(self):
        for order in self:
            order.is_unpaid_order = (
                order.website_order
                and order.state in ("sent", "sale", "done")
                and order.payment_status in UNPAID_STATUSES
            )

    @api.depends("state", "payment_status")
    def _compute_is_paid_not_confirmed(self):
        for order in self:
            order.is_paid_not_confirmed = order.state in ("draft", "sent") and order.payment_status in PAID_STATUSES

    def _search_is_unpaid_order(self, operator, value):
        return self._boolean_search(self._unpaid_orders_domain(), operator, value)

    def _search_is_paid_not_confirmed(self, operator, value):
        return self._boolean_search(self._paid_not_confirmed_domain(), operator, value)

    @api.depends("order_line")
    def _compute_has_order_lines(self):
        for order in self:
            order.has_order_lines = bool(order.order_line)

    def _search_has_order_lines(self, operator, value):
        """A semi-join in SQL, not Odoo's ``order_line != False``, which reads the
        id of every order that has a line into Python and sends them back as a list."""
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search operator."))
        positive = (operator == "=") == bool(value)
        return [
            (
                "id",
                "inselect" if positive else "not inselect",
                ("SELECT order_id FROM sale_order_line WHERE order_id IS NOT NULL", ()),
            )
        ]

    def _boolean_search(self, domain, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search operator."))
        # Odoo 11 inserts a search method's domain as is: it must be normalized
        domain = expression.normalize_domain(domain)
        if (operator == "=") == bool(value):
            return domain
        # the exact complement: negating each leaf would drop the rows where a
        # compared column is NULL from both sets (Odoo 11's own bug here)
        query = self._where_calc(domain)
        from_clause, where_clause, params = query.get_sql()
        subquery = "SELECT %s.id FROM %s WHERE %s" % (self._table, from_clause, where_clause or "TRUE")
        return [("id", "not inselect", (subquery, tuple(params)))]

    # ---------------------------------------------------------------- searches
    def _search_abandoned_cart(self, operator, value):
        """Odoo 11's search returns the abandoned carts for ``is_abandoned_cart = False``
        (it distributes the negation without the ``'!'``) and only looks at the
        order date: this one uses the configured delay against the cart's last
        activity and negates correctly."""
        return self._boolean_search(self._abandoned_cart_domain(), operator, value)

    @api.model
    def _abandoned_cart_domain(self, delay_hours=None):
        if delay_hours is None:
            delay_hours = self._abandoned_cart_delay()
        limit = fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=delay_hours))
        return [
            ("website_order", "=", True),
            ("state", "=", "draft"),
            ("cart_last_activity", "<=", limit),
            ("partner_id", "!=", self.env.ref("base.public_partner").id),
            ("has_order_lines", "=", True),
        ]

    @api.model
    def _abandoned_cart_delay(self):
        param = self.env["ir.config_parameter"].sudo().get_param(PARAM_ABANDONED_DELAY, DEFAULT_ABANDONED_DELAY)
        try:
            return float(param)
        except ValueError:
            return DEFAULT_ABANDONED_DELAY

    @api.multi
    @api.depends("website_order", "cart_last_activity", "order_line", "state", "partner_id")
    def _compute_abandoned_cart(self):
        limit = fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=self._abandoned_cart_delay()))
        public_partner = self.env.ref("base.public_partner")
        for order in self:
            order.is_abandoned_cart = bool(
                order.website_order
                and order.state == "draft"
                and order.order_line
                and order.cart_last_activity
                and order.cart_last_activity <= limit
                and order.partner_id != public_partner
            )

    @api.model
    def _unpaid_orders_domain(self):
        """Checkout done, payment not received (quotation sent, or confirmed by the shop)."""
        return [
            ("website_order", "=", True),
            ("state", "in", ["sent", "sale", "done"]),
            ("payment_status", "in", list(UNPAID_STATUSES)),
        ]

    @api.model
    def _paid_not_confirmed_domain(self):
        """A payment was received or authorized but the order is still a quotation:
        must be empty in normal operation (amount mismatch, webhook race...)."""
        return [
            ("payment_status", "in", list(PAID_STATUSES)),
            ("state", "in", ["draft", "sent"]),
        ]

    # --------------------------------------------------------------- database
    @api.model_cr_context
    def _auto_init(self):
        # the reminder counter of a big sale_order table is added without
        # rewriting it (PostgreSQL 11+ stores a constant default in the catalog)
        # and without the ORM's per-row UPDATE of a new column's default
        self.env.cr.execute("ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS cart_recovery_step integer DEFAULT 0")
        return super()._auto_init()

    @api.model_cr
    def init(self):
        """Partial indexes behind the eCommerce filters (see bench/ecommerce_orders.py)
        and the abandoned-cart reminders (bench/abandoned_carts.py)."""
        indexes = {
            # the reminder job: one range per reminder number (cart_recovery_step =
            # n - 1, last activity within the step's window), in keyset order
            "sale_order_soon_cart_recovery_idx": (
                "cart_recovery_step, cart_last_activity, id",
                "website_order = true AND state = 'draft'",
            ),
            "sale_order_soon_abandoned_idx": ("cart_last_activity", "website_order = true AND state = 'draft'"),
            "sale_order_soon_unpaid_idx": (
                "date_order",
                "website_order = true AND state IN ('sent', 'sale', 'done') "
                "AND payment_status IN ('not_paid', 'pending')",
            ),
            "sale_order_soon_paid_unconfirmed_idx": (
                "date_order",
                "payment_status IN ('paid', 'authorized') AND state IN ('draft', 'sent')",
            ),
            "sale_order_soon_ageing_idx": ("checkout_date", "website_order = true AND state = 'sent'"),
        }
        for name, (column, where) in indexes.items():
            # identifiers and predicates are the constants above
            self.env.cr.execute(  # pylint: disable=sql-injection
                "CREATE INDEX IF NOT EXISTS %s ON sale_order (%s) WHERE %s" % (name, column, where)
            )
        # Odoo 11 does not index payment_transaction.sale_order_id: the reminder job
        # (and every read of an order's transactions) looks transactions up by order
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS payment_transaction_soon_sale_order_idx "
            "ON payment_transaction (sale_order_id) WHERE sale_order_id IS NOT NULL"
        )

    # ---------------------------------------------------------------- workflow
    @api.multi
    def force_quotation_send(self):
        """A pending payment (transfer, cash on delivery, pay in store) ends the
        checkout: remember when, the unpaid-orders ageing counts from there."""
        self.filtered(lambda o: o.website_order and not o.checkout_date).write({"checkout_date": fields.Datetime.now()})
        return super().force_quotation_send()

    # ---------------------------------------------------------------- onchange
    @api.multi
    @api.onchange("partner_id")
    def onchange_partner_id(self):
        """Odoo 11 replaces the website's salesperson by the current user (the
        admin, under sudo) when a customer signs up, logs in or enters an
        address (odoo/odoo#24216): website orders keep the website assignment.
        On a saved order (checkout) each update writes the salesperson, and Odoo
        sends "You have been assigned" at every write: only a new one is told."""
        salespeople = {order.id: order.user_id for order in self}
        quiet = self.with_context(mail_auto_subscribe_no_notify=True)
        result = super(SaleOrder, quiet).onchange_partner_id()
        for order in quiet.filtered("website_order"):
            website = order._website_for_assignment()
            if website:
                order.update(website._sale_assignment_values(order.partner_id))
        for order in self.filtered(lambda o: isinstance(o.id, int) and o.user_id != salespeople[o.id]):
            user = order.user_id
            if user != self.env.user and user.notification_type == "email" and user.partner_id.active:
                order._message_auto_subscribe_notify(user.partner_id.ids)
        return result

    def _website_for_assignment(self):
        return self.env["website"].sudo().search([("company_id", "=", self.company_id.id)], limit=1) or self.env[
            "website"
        ].sudo().search([], limit=1)

    # ------------------------------------------------------------------- cart
    @api.multi
    def _cart_update(self, product_id=None, line_id=None, add_qty=0, set_qty=0, attributes=None, **kwargs):
        add_qty, set_qty = self._cart_quantity(add_qty), self._cart_quantity(set_qty)
        # a line holds at most the shop's maximum: an absurd quantity (10^12) is
        # brought down to it, with a message for the customer
        maximum = self._cart_max_qty()
        capped = False
        if set_qty and set_qty > maximum:
            set_qty, capped = maximum, True
        elif add_qty and add_qty > 0 and not set_qty:
            lines = self._cart_find_product_line(product_id, line_id, **kwargs) if line_id is not False else None
            current = lines[:1].product_uom_qty if lines else 0.0
            if current + add_qty > maximum:
                add_qty, set_qty, capped = 0, max(current, maximum), True
        result = super()._cart_update(
            product_id=product_id, line_id=line_id, add_qty=add_qty, set_qty=set_qty, attributes=attributes, **kwargs
        )
        if capped:
            line = self.env["sale.order.line"].sudo().browse(result.get("line_id")).exists()
            warning = _(
                "You can order at most %s of this product at once. Please contact us for a larger quantity."
            ) % tools.float_repr(maximum, 0)
            if line and not result.get("warning"):
                line.warning_stock = warning
                result["warning"] = warning
        # add_qty=0 and set_qty=0 is Odoo re-pricing the lines, not the customer
        if add_qty != 0 or set_qty:
            self._touch_cart()
        return result

    @api.model
    def _cart_quantity(self, value):
        """A cart quantity as a finite float (UserError otherwise: NaN would be
        stored as is, an infinite one fails in SQL)."""
        if value is None or value is False:
            return value
        try:
            quantity = float(value)
        except (TypeError, ValueError, OverflowError):
            raise UserError(_("Please enter a valid quantity."))
        if not math.isfinite(quantity):
            raise UserError(_("Please enter a valid quantity."))
        return quantity

    @api.model
    def _cart_max_qty(self):
        """Largest quantity of one cart line (system parameter
        PARAM_CART_MAX_QTY, default DEFAULT_CART_MAX_QTY)."""
        param = self.env["ir.config_parameter"].sudo().get_param(PARAM_CART_MAX_QTY)
        try:
            maximum = float(param) if param else DEFAULT_CART_MAX_QTY
        except ValueError:
            maximum = DEFAULT_CART_MAX_QTY
        return maximum if math.isfinite(maximum) and maximum >= 1 else DEFAULT_CART_MAX_QTY

    def _touch_cart(self):
        """Record the customer's activity on the cart (one UPDATE, no ORM write:
        no recomputation, no chatter, no write_uid change on a hot route)."""
        if self.ids:
            self.env.cr.execute(
                "UPDATE sale_order SET cart_last_activity = (now() at time zone 'UTC') WHERE id IN %s",
                (tuple(self.ids),),
            )
            self.invalidate_cache(["cart_last_activity"], self.ids)

    # ---------------------------------------------------------------- actions
    @api.multi
    def action_confirm_and_reserve(self):
        """Confirm unpaid website orders (cash on delivery, pay in store, wire
        transfer): creates the delivery and reserves the stock.  Confirmed orders
        are skipped (double clicks, bulk selections); cancelled or locked ones
        refuse the whole batch with a message and change nothing."""
        orders = self._lock_for_update()
        refused = orders.filtered(lambda o: o.state in ("cancel", "done"))
        if refused:
            raise UserError(
                _("These orders cannot be confirmed because they are cancelled or locked: %s")
                % ", ".join(refused.mapped("name"))
            )
        to_confirm = orders.filtered(lambda o: o.state in ("draft", "sent"))
        if not to_confirm:
            return True
        for order in to_confirm:
            order.action_confirm()  # Odoo 11's _action_confirm is not multi-record safe
        pickings = to_confirm.mapped("picking_ids").filtered(
            lambda p: p.state in ("confirmed", "waiting", "partially_available")
        )
        if pickings:
            pickings.action_assign()
        for order in to_confirm:
            order.message_post(
                body=_(
                    "Order confirmed manually by %s; the delivery is created and the "
                    "stock reserved. The payment is still to be received."
                )
                % self.env.user.name
            )
        return True

    @api.multi
    def action_mark_as_paid(self):
        """Odoo 11's "Mark as paid" re-confirms confirmed orders and runs twice on a
        double click: lock the order, confirm only quotations, and do nothing for
        an order already paid."""
        self.ensure_one()
        order = self._lock_for_update()
        if order.payment_status in PAID_STATUSES and order.payment_tx_id.state == "done":
            return True
        if not order.can_directly_mark_as_paid:
            raise UserError(
                _(
                    "Only orders paid by wire transfer, cash on delivery or in store, "
                    "with the quotation sent or the order confirmed, can be marked as paid."
                )
            )
        if order.state in ("draft", "sent"):
            order.action_confirm()
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param(PARAM_AUTOMATIC_INVOICE, default=False):
            order.payment_tx_id._generate_and_pay_invoice()
        order.payment_tx_id.state = "done"
        order.message_post(body=_("Payment recorded by %s.") % self.env.user.name)
        return True

    def _lock_for_update(self):
        """Row locks on the orders so double clicks and concurrent workers
        serialise; re-reads the state once the lock is held."""
        if self.ids:
            self.env.cr.execute("SELECT id FROM sale_order WHERE id IN %s ORDER BY id FOR UPDATE", (tuple(self.ids),))
            self.invalidate_cache(ids=self.ids)
        return self

    # ------------------------------------------------------------ terms
    @api.model
    def _current_terms_hash(self):
        """Fingerprint of the terms and conditions page as currently published."""
        view = self.env.ref("website_sale.terms").sudo()
        arch = view.read_combined(["arch"])["arch"]
        return hashlib.sha256(arch.encode("utf-8")).hexdigest()

    @api.multi
    def _record_terms_acceptance(self, user, ip_address):
        self.ensure_one()
        self.sudo().write(
            {
                "terms_accepted_date": fields.Datetime.now(),
                "terms_accepted_user_id": user.id,
                "terms_accepted_partner_id": self.partner_id.id,
                "terms_accepted_ip": (ip_address or "")[:64],
                "terms_hash": self._current_terms_hash(),
            }
        )
        self.message_post(
            body=_("Terms and conditions accepted by %(customer)s from %(address)s.")
            % {"customer": self.partner_id.name, "address": ip_address or _("an unknown address")}
        )

    @api.multi
    def _reset_terms_acceptance(self):
        """The customer unticked the terms box: the order no longer records an acceptance."""
        self.ensure_one()
        self.sudo().write(
            {
                "terms_accepted_date": False,
                "terms_accepted_user_id": False,
                "terms_accepted_partner_id": False,
                "terms_accepted_ip": False,
                "terms_hash": False,
            }
        )

    @api.multi
    def _terms_acceptance_missing(self):
        """True when the shop requires the terms and this order has not accepted them."""
        self.ensure_one()
        required = self.env["ir.config_parameter"].sudo().get_param(PARAM_TERMS_REQUIRED)
        return bool(required) and not self.terms_accepted_date

    # -------------------------------------------------------- unpaid ageing
    @api.model
    def _cron_unpaid_orders_ageing(self):
        """Daily: one payment reminder after N days, cancellation after M days,
        for website quotations still waiting for their payment. Confirmed or paid
        orders are never touched."""
        params = self.env["ir.config_parameter"].sudo()
        remind_days = int(params.get_param(PARAM_UNPAID_REMINDER_DAYS, 0) or 0)
        cancel_days = int(params.get_param(PARAM_UNPAID_CANCEL_DAYS, 0) or 0)
        now = datetime.utcnow()
        base = [("website_order", "=", True), ("state", "=", "sent"), ("payment_status", "in", list(UNPAID_STATUSES))]
        if cancel_days > 0:
            limit = fields.Datetime.to_string(now - timedelta(days=cancel_days))
            for order in self.search(base + [("checkout_date", "<=", limit)]):
                self._process_one(order, order._ageing_cancel, cancel_days)
        if remind_days > 0:
            limit = fields.Datetime.to_string(now - timedelta(days=remind_days))
            for order in self.search(base + [("checkout_date", "<=", limit), ("unpaid_reminder_date", "=", False)]):
                self._process_one(order, order._ageing_remind, remind_days)

    @api.model
    def _process_one(self, order, method, days):
        """Isolate one order in a savepoint: a failure is logged, the batch goes on."""
        try:
            with self.env.cr.savepoint():
                method(days)
        except Exception:
            _logger.exception("Unpaid order ageing failed for %s", order.name)

    def _ageing_remind(self, days):
        order = self._lock_for_update()
        if order.state != "sent" or order.unpaid_reminder_date or order.payment_status not in UNPAID_STATUSES:
            return
        template = self.env.ref("soon_ecommerce_orders.mail_template_unpaid_reminder")
        order.unpaid_reminder_date = fields.Datetime.now()
        # queued (sent by the mail queue after this transaction commits), in the customer's language
        template.send_mail(order.id)
        order.message_post(body=_("Payment reminder sent: no payment received %d days after checkout.") % days)

    def _ageing_cancel(self, days):
        order = self._lock_for_update()
        if order.state != "sent" or order.payment_status not in UNPAID_STATUSES:
            return
        order.action_cancel()
        order.message_post(
            body=_("Quotation cancelled automatically: no payment received %d days after checkout.") % days
        )

    # ---------------------------------------------------- abandoned-cart reminders
    # (the scheduled job itself is sale.cart.recovery.job, models/cart_recovery_job.py)
    @api.model
    def _cart_recovery_public_partner_ids(self):
        """Partners of the public users: their carts are anonymous visitors'."""
        # every website (a few rows): each has its own public user
        partners = self.env.ref("base.public_partner") | self.env["website"].sudo().search(  # pylint: disable=no-search-all
            []
        ).mapped("user_id.partner_id")
        return partners.ids

    def _cart_recovery_log(self, step_number, date, template, mail=None, message=None, manual=False):
        """One line of the cart's reminder log (the job's reminders and those sent by hand)."""
        return (
            self.env["sale.cart.recovery.reminder"]
            .sudo()
            .create(
                {
                    "order_id": self.id,
                    "company_id": self.company_id.id,
                    "partner_id": self.partner_id.id,
                    "email": self.partner_id.email,
                    "step": step_number,
                    "date": date,
                    "manual": manual,
                    "template_id": template.id if template else False,
                    "mail_id": mail.id if mail else False,
                    "mail_message_id": (message or (mail and mail.mail_message_id)).id if (message or mail) else False,
                }
            )
        )

    @api.multi
    def _cart_recovery_record_manual(self, template, since_message_id):
        """A salesperson sent the recovery email from the order (Odoo 11's
        composer): it counts as the cart's next reminder."""
        now = fields.Datetime.now()
        Message = self.env["mail.message"].sudo()
        Mail = self.env["mail.mail"].sudo()
        for order in self.sudo():
            message = Message.search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id), ("id", ">", since_message_id)],
                order="id desc",
                limit=1,
            )
            if not message:
                continue  # nothing was sent for this order
            step_number = order.cart_recovery_step + 1
            self.env.cr.execute(
                "UPDATE sale_order SET cart_recovery_step = %s, cart_recovery_last_date = %s, "
                "cart_recovery_email_sent = true WHERE id = %s",
                (step_number, now, order.id),
            )
            order.invalidate_cache(
                ["cart_recovery_step", "cart_recovery_last_date", "cart_recovery_email_sent"], order.ids
            )
            mail = Mail.search([("mail_message_id", "=", message.id)], limit=1)
            order._cart_recovery_log(step_number, now, template, mail=mail or None, message=message, manual=True)

    # ------------------------------------------------------- resume / unsubscribe
    # The two public methods below are called by the reminder template (Odoo
    # 11's sandboxed renderer refuses ``_private`` attributes), hence callable
    # over RPC too: the links carry credentials (the order's access token, the
    # signed unsubscribe token), so only the job (superuser) and employees who
    # may read the order get them, never a portal user.
    @api.multi
    def get_cart_recovery_url(self):
        """The email's "Resume your order" link: restores this cart for its customer."""
        self._check_cart_recovery_link_access()
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return "%s/shop/cart/resume/%d/%s" % (base_url, self.id, self.sudo().access_token)

    @api.multi
    def get_cart_recovery_unsubscribe_url(self):
        """The email's unsubscribe link, for the customer of this cart."""
        self._check_cart_recovery_link_access()
        return self.sudo().partner_id._cart_recovery_unsubscribe_url()

    def _check_cart_recovery_link_access(self):
        """Raise AccessError unless the current user may get this order's
        reminder links: the superuser (the job), or an employee who can read
        the order (a salesperson sending the reminder by hand)."""
        self.ensure_one()
        if self.env.uid == SUPERUSER_ID:
            return
        if not self.env.user.has_group("base.group_user"):
            raise AccessError(_("Only the shop's staff can get the links of a cart reminder."))
        self.check_access_rights("read")
        self.check_access_rule("read")

    def _cart_recovery_token_ok(self, token):
        self.ensure_one()
        return bool(
            isinstance(token, str)
            and token
            and self.sudo().access_token
            and hmac.compare_digest(self.sudo().access_token.encode(), token.encode())
        )

    def _cart_resume_decision(self, user):
        """What the "Resume your order" link does for ``user`` (the visitor).

        * ``finished``: the cart is already ordered (or cancelled): nothing to restore;
        * ``restore``: the visitor is the cart's customer, or an anonymous
          visitor holding the link of a guest cart (the token is the customer's
          only credential): the cart becomes the visitor's cart;
        * ``login``: anonymous visitor, but the customer has an account: they
          log in first, so nobody else gets their cart and addresses;
        * ``forbidden``: logged in as somebody else: the cart is not theirs.
        """
        self.ensure_one()
        order = self.sudo()
        if not order.website_order or order.state != "draft":
            return "finished"
        public_partners = self._cart_recovery_public_partner_ids()
        if user._is_public() or user.partner_id.id in public_partners:
            has_account = self.env["res.users"].sudo().search_count([("partner_id", "=", order.partner_id.id)])
            return "login" if has_account else "restore"
        if user.partner_id == order.partner_id:
            return "restore"
        return "forbidden"

    def _cart_resume(self):
        """The customer came back through the reminder's link."""
        self.ensure_one()
        order = self.sudo()
        order._touch_cart()  # activity after the last reminder: the sequence stops
        last = order.cart_recovery_reminder_ids.sorted(key=lambda r: (r.date, r.id))[-1:]
        if last and not last.resumed_date:
            last.resumed_date = fields.Datetime.now()
