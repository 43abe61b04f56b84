"""Refunds through payment acquirers: the engine the providers' add-ons plug into.

A refund is a transaction of its own (``operation = 'refund'``) linked to the
payment it gives money back from (``source_transaction_id``). Its ``amount``
is **negative**, as in Odoo 15+: the transactions of an order in state
done/refunded add up to what the customer paid net. A refund goes through
these states:

* ``draft``: being sent to the provider (inside the refund's transaction);
* ``refunded``: the provider refunded the money (or the outgoing payment of
  a manual refund was registered);
* ``refunding``: a manual refund waiting for its outgoing payment, or a
  provider's refund waiting for the bank (``pending`` at Stripe; checked
  later by ``action_check_refund``);
* ``error``: the provider refused (``state_message``). ``refund_retryable``
  tells whether the outcome is unknown and the attempt must be retried
  (network errors, provider unavailable: the retry first asks the provider
  for a refund carrying the attempt's reference, and never sends a key the
  provider may have forgotten) or whether a new attempt is needed
  (declined, or the provider's refund failed);
* ``cancel``: abandoned.

Draft, refunding and refunded refunds count against what is left to refund.

The engine knows no provider and no business document: a provider's add-on
implements the hooks ``_<provider>_send_refund_request`` (required),
``_<provider>_check_refund``, ``_<provider>_prepare_refund_request``,
``_<provider>_adopt_refund``, ``_<provider>_find_refund`` and
``_<provider>_fetch_refund_status``; an add-on that refunds its own documents
(a return) passes them as the refund's ``origin`` and extends
``_check_refund_origin``, ``_prepare_refund_plan``,
``_prepare_refund_transaction_values``, ``_get_refund_origin`` and
``_on_refund_done``.
"""

import logging
import math
import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero, float_round, html_escape
from odoo.tools.misc import formatLang

_logger = logging.getLogger(__name__)

#: refunds that count against the amount left to refund
REFUND_RESERVING_STATES = ("draft", "refunding", "refunded")
#: who may refund customers
REFUND_GROUPS = ("account.group_account_manager", "sales_team.group_sale_manager")
#: the refund's bookkeeping: only the add-ons' own code (as superuser) sets it
REFUND_FIELDS = (
    "operation",
    "source_transaction_id",
    "refund_manual",
    "refund_idempotency_key",
    "refund_idempotency_key_date",
    "refund_retryable",
    "refund_invoice_id",
    "refund_payment_id",
    "refund_user_id",
    "refund_reason",
)
#: what a refund trusts of a captured payment (and of a refund): set by the
#: provider's feedback or the add-ons' own code, never by a user's write
CAPTURED_FIELDS = ("state", "amount", "acquirer_reference", "currency_id", "acquirer_id", "sale_order_id")
#: states of a payment whose money was taken (or held)
CAPTURED_STATES = ("done", "authorized")
#: states a user's write or create can never give a transaction
TRUSTED_STATES = ("done", "authorized", "refunding", "refunded")
#: acquirers whose pending payments staff mark as paid by hand (no provider refunds them)
MARK_AS_PAID_PROVIDERS = ("transfer", "manual")
#: ISO 4217 currencies without minor unit as the payment providers count them
#: (Stripe's zero-decimal currencies), whatever Odoo's rounding says
ZERO_DECIMAL_CURRENCIES = (
    "BIF", "XAF", "XPF", "CLP", "KMF", "DJF", "GNF", "JPY", "MGA", "PYG", "RWF", "KRW", "VUV", "VND", "XOF",
)  # fmt: skip


class RefundProviderError(Exception):
    """The provider did not refund: ``message`` for the user; ``retryable``
    when the same attempt may be sent again (its outcome may be unknown)."""

    def __init__(self, message, retryable=False, values=None):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        #: written on the failed attempt (e.g. the key its retry must use)
        self.values = values or {}


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    operation = fields.Selection(
        [("payment", "Payment"), ("refund", "Refund")],
        required=True,
        readonly=True,
        default="payment",
        index=True,
    )
    source_transaction_id = fields.Many2one(
        "payment.transaction",
        string="Refunded Payment",
        readonly=True,
        index=True,
        copy=False,
        ondelete="restrict",
        help="The payment this refund gives money back from.",
    )
    refund_transaction_ids = fields.One2many(
        "payment.transaction", "source_transaction_id", string="Refunds", readonly=True
    )
    refund_count = fields.Integer(compute="_compute_refund_amounts")
    amount_refunded = fields.Float(
        string="Refunded Amount",
        digits=(16, 2),
        compute="_compute_refund_amounts",
        help="What the provider gave back from this payment.",
    )
    amount_refund_pending = fields.Float(
        string="Refunds in Progress",
        digits=(16, 2),
        compute="_compute_refund_amounts",
        help="Refunds being sent, or manual refunds waiting for their outgoing payment.",
    )
    amount_refundable = fields.Float(
        string="Refundable Amount",
        digits=(16, 2),
        compute="_compute_refund_amounts",
        help="What can still be refunded: the captured amount minus refunds done or in progress.",
    )
    refund_manual = fields.Boolean(
        string="Manual Refund",
        readonly=True,
        copy=False,
        help="Recorded in Odoo, paid to the customer outside the payment provider.",
    )
    refund_idempotency_key = fields.Char(
        string="Idempotency Key",
        readonly=True,
        copy=False,
        help="Sent with the refund request: the provider refunds one attempt once, however often it is retried.",
    )
    refund_idempotency_key_date = fields.Datetime(
        string="Idempotency Key Sent On",
        readonly=True,
        copy=False,
        help="When the idempotency key was first sent: Stripe forgets keys after 24 hours, an older key is replaced "
        "(after asking Stripe whether the attempt was refunded).",
    )
    refund_retryable = fields.Boolean(
        string="Can Be Retried",
        readonly=True,
        copy=False,
        help="The provider could not be reached or was unavailable: send the same attempt again.",
    )
    # indexed: every posted, cancelled or deleted payment looks up its refunds
    refund_invoice_id = fields.Many2one("account.invoice", string="Credit Note", readonly=True, copy=False, index=True)
    refund_payment_id = fields.Many2one("account.payment", readonly=True, copy=False, ondelete="set null", index=True)
    refund_user_id = fields.Many2one("res.users", string="Refunded By", readonly=True, copy=False)
    refund_reason = fields.Char(readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("operation", "state", "amount", "refund_transaction_ids.state", "refund_transaction_ids.amount")
    def _compute_refund_amounts(self):
        for tx in self:
            refunds = tx.refund_transaction_ids
            tx.refund_count = len(refunds)
            tx.amount_refunded = -sum(r.amount for r in refunds if r.state == "refunded")
            tx.amount_refund_pending = -sum(r.amount for r in refunds if r.state in ("draft", "refunding"))
            if tx.operation == "payment" and tx.state == "done":
                reserved = tx.amount_refunded + tx.amount_refund_pending
                tx.amount_refundable = max(tx.currency_id.round(tx.amount - reserved), 0.0)
            else:
                tx.amount_refundable = 0.0

    # ------------------------------------------------------------------
    # CRUD: what the refunds trust is written by trusted code only
    # ------------------------------------------------------------------
    @api.model
    def create(self, values):
        if not self._is_trusted_payment_writer():
            forbidden = [name for name in self._get_refund_fields() if values.get(name) and values[name] != "payment"]
            if values.get("state") in TRUSTED_STATES:
                forbidden.append("state")
            if forbidden:
                self._raise_guarded_fields(forbidden)
        return super().create(values)

    @api.multi
    def write(self, values):
        if not self._is_trusted_payment_writer():
            forbidden = self._get_guarded_changes(values)
            if forbidden:
                self._raise_guarded_fields(forbidden)
        return super().write(values)

    @api.model
    def _get_refund_fields(self):
        """The refund's bookkeeping: only trusted code writes it (add-ons add theirs)."""
        return list(REFUND_FIELDS)

    @api.model
    def _is_trusted_payment_writer(self):
        """The add-ons' own code and the providers' feedback run as superuser
        (``sudo()``); no request of a user can: Odoo 11 lets every employee
        write transactions over RPC."""
        return self.env.user._is_superuser()

    @api.multi
    def _get_guarded_changes(self, values):
        """The fields of ``values`` that would change what the refunds trust:
        the refund's bookkeeping on any transaction; on a captured payment, a
        refund or a payment being made captured, its state, amount, provider
        reference, currency, acquirer and order. Only a pending payment of a
        wire transfer may be marked paid by a user (Odoo's "Mark as paid")."""
        forbidden = set()
        capturing = values.get("state") in TRUSTED_STATES
        for tx in self:
            names = self._get_refund_fields()
            if capturing or tx.operation == "refund" or tx.state in CAPTURED_STATES + TRUSTED_STATES:
                names += CAPTURED_FIELDS
            changed = {name for name in names if name in values and tx._is_changed_by(name, values[name])}
            if changed == {"state"} and tx._can_be_marked_paid_by_user(values["state"]):
                changed = set()
            forbidden |= changed
        return sorted(forbidden)

    @api.multi
    def _can_be_marked_paid_by_user(self, state):
        self.ensure_one()
        return (
            state == "done"
            and self.operation == "payment"
            and self.state in ("draft", "pending")
            and self.acquirer_id.provider in MARK_AS_PAID_PROVIDERS
        )

    @api.multi
    def _is_changed_by(self, name, value):
        self.ensure_one()
        field = self._fields[name]
        current = self.sudo()[name]
        if field.type == "many2one":
            return current.id != (value or False)
        if field.type == "float":
            return float_compare(current or 0.0, value or 0.0, precision_digits=6) != 0
        return (current or False) != (value or False)

    @api.model
    def _raise_guarded_fields(self, names):
        labels = ", ".join(self._fields[name].get_description(self.env)["string"] for name in names)
        raise AccessError(
            _(
                "Payments and refunds are recorded by the payment providers and the refund wizard only: "
                "you cannot set %s yourself."
            )
            % labels
        )

    # ------------------------------------------------------------------
    # Actions (buttons of a refund transaction)
    # ------------------------------------------------------------------
    @api.multi
    def action_retry_refund(self):
        """Open the refund wizard on this attempt of unknown outcome (the
        provider is asked for it before anything is sent again)."""
        self.ensure_one()
        self._check_refund_access()
        if not (self.operation == "refund" and self.state == "error" and self.refund_retryable):
            raise UserError(_("Only a refund attempt that failed temporarily can be retried."))
        self.check_access_rule("read")
        return self.sudo().sale_order_id._action_open_refund_wizard(retry=self)

    @api.multi
    def action_abandon_refund(self):
        """Give up a failed attempt that could be retried: it no longer counts.

        An attempt whose outcome is unknown is first looked up at the
        provider: one it refunded (or is refunding) cannot be abandoned, it is
        retried (which records the provider's refund). A new attempt uses a new
        idempotency key.
        """
        self._check_refund_access()
        self.check_access_rule("read")
        for tx in self.sudo():
            if tx.source_transaction_id:
                tx.source_transaction_id._lock_for_refund()
                tx.invalidate_cache()
            if not (tx.operation == "refund" and tx.state == "error"):
                raise UserError(_("Only failed refund attempts can be abandoned."))
            if tx.refund_retryable:
                tx._check_no_provider_refund()
            tx.write({"state": "cancel", "refund_retryable": False})
            tx._log_refund(_("Refund attempt %(reference)s of %(amount)s abandoned by %(user)s."), self.env.user)
        return True

    @api.multi
    def action_check_refund(self):
        """Ask the provider about refunds it accepted but has not settled yet
        (``refunding``): settled → refunded (credit note validated and paid);
        failed → the attempt failed and its amount can be refunded again."""
        self._check_refund_access()
        self.check_access_rule("read")  # the records the caller named, before acting as superuser
        user = self.env.user
        for refund in self.sudo():
            if refund.source_transaction_id:
                refund.source_transaction_id._lock_for_refund()
                refund.invalidate_cache()
            if not (refund.operation == "refund" and refund.state == "refunding" and not refund.refund_manual):
                raise UserError(_("Only refunds waiting for the provider's confirmation can be checked."))
            fetch = getattr(refund, "_%s_fetch_refund_status" % refund.provider, None)
            if not fetch:
                raise UserError(_("%s cannot send refunds.") % refund.acquirer_id.name)
            try:
                status, message = fetch()
            except RefundProviderError as error:
                raise UserError(error.message)
            if status == "succeeded":
                refund.write({"state_message": False})
                refund._confirm_refund(
                    refund.refund_invoice_id, refund.acquirer_id._get_refund_journal(), refund.refund_user_id or user
                )
            elif status == "failed":
                if refund.refund_invoice_id.state == "draft":
                    refund.refund_invoice_id.action_invoice_cancel()
                refund.write({"state": "error", "state_message": message, "refund_retryable": False})
                refund._log_refund(
                    _("Refund %(reference)s of %(amount)s by %(user)s failed: %(message)s"), user, message=message
                )
        return True

    @api.model
    def _cron_check_pending_refunds(self):
        """Scheduled: every refund the provider has not settled yet is asked
        again (each on its own: one that cannot be checked now waits for the
        next run)."""
        refunds = self.sudo().search(
            [("operation", "=", "refund"), ("state", "=", "refunding"), ("refund_manual", "=", False)], order="id"
        )
        for refund in refunds:
            try:
                with self.env.cr.savepoint():
                    refund.action_check_refund()
            except UserError as error:
                _logger.warning("Pending refund %s not checked: %s", refund.reference, error.name)
        return True

    @api.multi
    def _check_no_provider_refund(self):
        """Before an attempt whose outcome is unknown is abandoned: the
        provider must show no refund for it (asked when it can be)."""
        self.ensure_one()
        find = getattr(self, "_%s_find_refund" % self.provider, None)
        if not find:
            return
        try:
            found = find()
        except RefundProviderError as error:
            raise UserError(
                _(
                    "%(acquirer)s could not be asked whether it refunded attempt %(reference)s, which is kept: "
                    "try again later. (%(message)s)"
                )
                % {"acquirer": self.acquirer_id.name, "reference": self.reference, "message": error.message}
            )
        if found and found.get("status") != "failed":
            raise UserError(
                _(
                    "%(acquirer)s refunded attempt %(reference)s (%(id)s, %(status)s): retry it to record that "
                    "refund instead of abandoning it."
                )
                % {
                    "acquirer": self.acquirer_id.name,
                    "reference": self.reference,
                    "id": found.get("id"),
                    "status": found.get("status"),
                }
            )

    @api.multi
    def action_view_source_order(self):
        self.ensure_one()
        self.check_access_rule("read")
        return self.sale_order_id.get_formview_action()

    # ------------------------------------------------------------------
    # Refund: access, lock, checks
    # ------------------------------------------------------------------
    @api.model
    def _check_refund_access(self):
        """Accounting and sales managers only (the superuser, i.e. trusted code, too)."""
        if self.env.user._is_superuser():
            return
        if not any(self.env.user.has_group(group) for group in REFUND_GROUPS):
            raise AccessError(_("Only accounting managers and sales managers can refund customers."))

    @api.multi
    def _lock_for_refund(self):
        """Lock this payment's row, then touch it.

        ``SELECT ... FOR UPDATE`` makes a second refund of the same payment wait
        (double click, two users). The ``UPDATE`` makes that waiting transaction
        fail to serialise once this one commits, instead of going on with a
        snapshot that does not show this refund: Odoo retries its request,
        which then sees this refund and refuses what is no longer refundable.
        """
        self.ensure_one()
        self.env.cr.execute("SELECT id FROM payment_transaction WHERE id = %s FOR UPDATE", (self.id,))
        self.env.cr.execute(
            "UPDATE payment_transaction SET write_date = (now() at time zone 'UTC'), write_uid = %s WHERE id = %s",
            (self.env.uid, self.id),
        )
        self.invalidate_cache()
        self.refund_transaction_ids.invalidate_cache()

    @api.multi
    def _check_refundable_payment(self):
        self.ensure_one()
        if self.operation != "payment":
            raise UserError(_("%s is a refund: refund the payment it comes from instead.") % self.reference)
        if self.state != "done":
            state = dict(self._fields["state"]._description_selection(self.env))[self.state]
            raise UserError(
                _("Only captured payments can be refunded; payment %(reference)s is “%(state)s”.")
                % {"reference": self.reference, "state": state}
            )
        if not self.sale_order_id:
            raise UserError(
                _("Payment %s is not linked to a sales order: refund the customer from the invoice.") % self.reference
            )

    @api.multi
    def _get_reserved_refund_amount(self, exclude=None):
        """Refunds done or in progress (positive), read in the database."""
        self.ensure_one()
        self.env.cr.execute(
            """SELECT COALESCE(SUM(-amount), 0) FROM payment_transaction
                WHERE source_transaction_id = %s AND state IN %s AND id != %s""",
            (self.id, REFUND_RESERVING_STATES, exclude.id if exclude else 0),
        )
        return self.env.cr.fetchone()[0]

    @api.multi
    def _check_refund_amount(self, amount, exclude=None):
        """Never more than captured minus what is refunded or being refunded."""
        self.ensure_one()
        currency = self.currency_id
        if self._compare_amounts(amount, 0.0) <= 0:
            raise UserError(_("Enter an amount to refund above zero."))
        reserved = self._get_reserved_refund_amount(exclude)
        refundable = currency.round(self.amount - reserved)
        if self._compare_amounts(amount, refundable) > 0:
            raise UserError(
                _(
                    "You can refund at most %(refundable)s of payment %(reference)s: %(paid)s was paid and "
                    "%(reserved)s is already refunded or being refunded. You asked for %(amount)s."
                )
                % {
                    "refundable": self._format_amount(max(refundable, 0.0)),
                    "reference": self.reference,
                    "paid": self._format_amount(self.amount),
                    "reserved": self._format_amount(reserved),
                    "amount": self._format_amount(amount),
                }
            )

    @api.multi
    def _check_no_refund_to_retry(self):
        """An attempt that failed temporarily may have reached the provider:
        it is retried (same idempotency key) or abandoned before any new refund."""
        self.ensure_one()
        # any payment of the order: a return or an amount must not be refunded
        # from a second payment while the first attempt may have succeeded
        domain = [("operation", "=", "refund"), ("state", "=", "error"), ("refund_retryable", "=", True)]
        if self.sale_order_id:
            domain += ["|", ("source_transaction_id", "=", self.id), ("sale_order_id", "=", self.sale_order_id.id)]
        else:
            domain += [("source_transaction_id", "=", self.id)]
        pending = self.env["payment.transaction"].sudo().search(domain, order="id", limit=1)
        if pending:
            raise UserError(
                _(
                    "The refund attempt %(reference)s of %(amount)s failed temporarily and may still be retried: "
                    "retry it, or abandon it if the provider shows no refund, before refunding again."
                )
                % {"reference": pending[0].reference, "amount": self._format_amount(-pending[0].amount)}
            )

    @api.multi
    def _check_provider_refund(self, amount):
        """What the acquirer supports, and what its implementation needs."""
        self.ensure_one()
        acquirer = self.acquirer_id
        if acquirer.refund_support == "none":
            raise UserError(
                _(
                    "%s cannot send refunds. Enable a payment provider that supports refunds, "
                    "or record a manual refund (credit note and outgoing payment)."
                )
                % acquirer.name
            )
        if acquirer.refund_support == "full_only":
            whole = self._compare_amounts(amount, self.amount) == 0
            if not whole or self._compare_amounts(self._get_reserved_refund_amount(), 0.0):
                raise UserError(
                    _(
                        "%(acquirer)s only refunds whole payments: refund %(amount)s at once, "
                        "or record a manual refund for a part."
                    )
                    % {"acquirer": acquirer.name, "amount": self._format_amount(self.amount)}
                )
        check = getattr(self, "_%s_check_refund" % self.provider, None)
        if check:
            check()

    @api.multi
    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    @api.multi
    def _compare_amounts(self, amount1, amount2):
        """-1, 0 or 1, compared in the currency's smallest unit as the
        providers count it (whole đồng for VND, whatever Odoo's rounding)."""
        self.ensure_one()
        if not all(math.isfinite(amount or 0.0) for amount in (amount1, amount2)):
            raise UserError(_("Enter a valid amount."))
        difference = self._get_minor_units(amount1, self.currency_id) - self._get_minor_units(amount2, self.currency_id)
        return (difference > 0) - (difference < 0)

    @api.multi
    def _round_to_minor_units(self, amount):
        """``amount`` rounded to what the providers can pay (whole đồng for VND)."""
        self.ensure_one()
        return self._get_minor_units(amount, self.currency_id) / self._get_minor_units(1.0, self.currency_id)

    # ------------------------------------------------------------------
    # Refund: the whole operation
    # ------------------------------------------------------------------
    @api.multi
    def _refund(self, amount=None, manual=False, journal=None, reason=None, retry=None, origin=None):
        """Refund ``amount`` of this captured payment to the customer.

        ``origin``: the business document refunded (e.g. a received return):
        the add-on that owns it checks it (``_check_refund_origin``) and
        builds the refund's plan from it (``_prepare_refund_plan``: the amount
        is then the plan's); ``manual``: record a
        refund paid outside the provider (the outgoing payment is left to
        register); ``retry``: this failed attempt, whose outcome is unknown:
        the provider's refund carrying its reference is adopted if there is
        one, else it is sent again (same idempotency key while the provider
        remembers it).

        Under the payment's row lock: check the amount, create the refund
        transaction, create the draft credit note, ask the provider. If the
        provider refuses, the credit note is undone and the attempt is kept in
        state ``error`` with the provider's message (returned, not raised, so
        that it is recorded). Otherwise the credit note is validated and
        reconciled with an outgoing payment in the acquirer's journal, the
        order's payment status follows, the customer gets an email and the
        chatter says who refunded.

        Returns the refund transaction.
        """
        self.ensure_one()
        self._check_refund_access()
        user = self.env.user
        source = self.sudo()
        source._lock_for_refund()
        source._check_refundable_payment()
        if retry:
            retry = retry.sudo()
            if not (retry.source_transaction_id == source and retry.state == "error" and retry.refund_retryable):
                raise UserError(_("This refund attempt cannot be retried: start a new refund."))
            origin, manual = retry._get_refund_origin(), False
        else:
            source._check_no_refund_to_retry()
        if origin:
            origin = origin.sudo()
            source._check_refund_origin(origin)
        plan = source._prepare_refund_plan(amount, origin, reason)
        amount = plan["amount"]
        if retry and source._compare_amounts(-retry.amount, amount):
            raise UserError(
                _(
                    "The failed attempt %(reference)s was for %(attempt)s, not %(amount)s: retry it as it was, "
                    "or abandon it and refund again."
                )
                % {
                    "reference": retry.reference,
                    "attempt": source._format_amount(-retry.amount),
                    "amount": source._format_amount(amount),
                }
            )
        source._check_refund_amount(amount, exclude=retry)
        if not manual:
            source._check_provider_refund(amount)
        if retry:
            retry.write(
                {"state": "draft", "state_message": False, "refund_retryable": False, "refund_user_id": user.id}
            )
            refund = retry
        else:
            refund = source._create_refund_transaction(amount, manual, plan, user)
        journal = journal.sudo() if journal else source.acquirer_id._get_refund_journal()
        source.recompute()
        status = "succeeded"
        try:
            # outside the savepoint (kept if the provider refuses): a retried
            # attempt is first looked up at the provider, the key's date
            found = refund._prepare_refund_request(retried=bool(retry)) if not manual else None
            with self.env.cr.savepoint():
                credit_note = refund._create_refund_credit_note(plan)
                if not manual:
                    status = refund._send_refund_request(found)
        except RefundProviderError as error:
            # the savepoint undid the credit note: only the failed attempt remains
            self.env.clear()
            refund.write(
                dict(
                    {
                        "state": "error",
                        "state_message": error.message,
                        "refund_retryable": error.retryable,
                        "date_validate": fields.Datetime.now(),
                    },
                    **error.values,
                )
            )
            refund._log_refund(
                _("Refund %(reference)s of %(amount)s by %(user)s failed: %(message)s"), user, message=error.message
            )
            return refund
        if status == "pending":
            refund._set_refund_pending(credit_note, user)
            return refund
        refund._confirm_refund(credit_note, journal, user)
        return refund

    @api.multi
    def _set_refund_pending(self, credit_note, user):
        """The provider accepted the refund but the bank has not settled it:
        it stays ``refunding`` (its amount reserved, its credit note draft)
        until ``action_check_refund`` hears the outcome."""
        self.ensure_one()
        self.write(
            {
                "state": "refunding",
                "refund_invoice_id": credit_note.id,
                "state_message": _(
                    "The provider accepted the refund; the bank has not confirmed it yet: check it later."
                ),
            }
        )
        self._log_refund(
            _(
                "Refund %(reference)s of %(amount)s through %(acquirer)s by %(user)s is waiting for the bank: "
                "the credit note is validated once the refund is confirmed."
            ),
            user,
        )

    @api.multi
    def _check_refund_origin(self, origin):
        """Under the payment's lock, before anything is created: the add-on
        that owns ``origin`` (the document refunded) says whether it may be
        refunded from this payment. The engine refunds no document of its own."""
        self.ensure_one()
        raise UserError(_("%s cannot be refunded from a payment.") % origin.display_name)

    @api.multi
    def _get_refund_origin(self):
        """The document this refund attempt refunds (None: an amount of the
        payment): a retry refunds it again."""
        self.ensure_one()
        return None

    @api.multi
    def _create_refund_transaction(self, amount, manual, plan, user):
        """The refund attempt: a negative transaction linked to this payment.

        Its reference (``<payment>-R<n>``) and idempotency key only depend on
        the database's state, so a request retried by Odoo after a
        serialisation failure sends the same key to the provider.
        """
        self.ensure_one()
        return self.env["payment.transaction"].create(
            self._prepare_refund_transaction_values(amount, manual, plan, user)
        )

    @api.multi
    def _prepare_refund_transaction_values(self, amount, manual, plan, user):
        """The values of the refund attempt of ``plan`` (add-ons add their link to its origin)."""
        self.ensure_one()
        Tx = self.env["payment.transaction"]
        reference = Tx._get_next_reference("%s-R%d" % (self.reference, len(self.refund_transaction_ids) + 1))
        db_uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return {
            "operation": "refund",
            "source_transaction_id": self.id,
            "acquirer_id": self.acquirer_id.id,
            "type": "server2server",
            "amount": -amount,
            "currency_id": self.currency_id.id,
            "reference": reference,
            "partner_id": self.partner_id.id,
            "partner_country_id": self.partner_country_id.id,
            "sale_order_id": self.sale_order_id.id,
            "refund_manual": manual,
            "refund_user_id": user.id,
            "refund_reason": plan["reason"],
            "refund_idempotency_key": "soon-refund-%s-%s" % (db_uuid, reference),
        }

    # ------------------------------------------------------------------
    # Refund: the credit note
    # ------------------------------------------------------------------
    @api.multi
    def _prepare_refund_plan(self, amount, origin=None, reason=None):
        """How the credit note of a refund of ``amount`` is made.

        Returns ``{"amount", "reason", "invoice", "vals", "origin"}``:
        ``invoice`` is the order's invoice when it is refunded whole (Odoo's
        ``refund()``); otherwise ``vals`` creates the credit note: the lines
        of the order's invoices (or of the order) at prices scaled to the
        amount, plus a rounding line so that the credit note is exactly the
        amount refunded.

        The add-on that owns ``origin`` (a document refunded, e.g. a return)
        extends this method and builds the plan from its own invoice lines
        with ``_prepare_refund_plan_from_lines`` (the amount is their total).
        """
        self.ensure_one()
        if origin:
            raise UserError(_("%s cannot be refunded from a payment.") % origin.display_name)
        order = self._get_refund_order()
        currency = self.currency_id
        invoices = self._get_refunded_invoices(order)
        reason = reason or _("Refund of %s") % order.name
        if amount is None:
            raise UserError(_("Enter the amount to refund."))
        self._compare_amounts(amount, 0.0)  # refuses nan and inf
        amount = currency.round(self._round_to_minor_units(amount))
        if (
            len(invoices) == 1
            and not invoices.refund_invoice_ids
            and self._compare_amounts(invoices.amount_total, amount) == 0
            and invoices.currency_id == currency
        ):
            return {"amount": amount, "reason": reason, "invoice": invoices, "vals": None, "origin": None}
        vals = self._prepare_refund_invoice_header(order, invoices, reason)
        vals["invoice_line_ids"] = [(0, 0, line) for line in self._prepare_scaled_refund_lines(order, invoices, amount)]
        difference = currency.round(amount - self._preview_invoice_total(vals))
        if not currency.is_zero(difference):
            first = vals["invoice_line_ids"][0][2]
            vals["invoice_line_ids"].append(
                (
                    0,
                    0,
                    {
                        "name": _("Rounding"),
                        "account_id": first["account_id"],
                        "quantity": 1.0,
                        "price_unit": difference,
                        "invoice_line_tax_ids": [(6, 0, [])],
                    },
                )
            )
        return {"amount": amount, "reason": reason, "invoice": None, "vals": vals, "origin": None}

    @api.multi
    def _prepare_refund_plan_from_lines(self, lines, reason, origin):
        """The plan of a refund of ``origin`` (a document refunded, e.g. a
        return) whose credit note has ``lines`` (``account.invoice.line``
        values): the amount is the credit note's total."""
        self.ensure_one()
        order = self._get_refund_order()
        vals = self._prepare_refund_invoice_header(order, self._get_refunded_invoices(order), reason, origin)
        vals["invoice_line_ids"] = [(0, 0, line) for line in lines]
        total = self._preview_invoice_total(vals)
        return {"amount": total, "reason": reason, "invoice": None, "vals": vals, "origin": origin}

    @api.multi
    def _get_refund_order(self):
        self.ensure_one()
        return self.sale_order_id.with_context(
            force_company=self.sale_order_id.company_id.id, company_id=self.sale_order_id.company_id.id
        )

    @api.model
    def _get_refunded_invoices(self, order):
        """The order's validated customer invoices (the credit note refers to them)."""
        return order.invoice_ids.filtered(lambda inv: inv.type == "out_invoice" and inv.state in ("open", "paid"))

    @api.model
    def _prepare_refund_invoice_header(self, order, invoices, reason, origin=None):
        vals = order._prepare_invoice()
        vals.update(
            {
                "type": "out_refund",
                "name": reason,
                "origin": ", ".join(filter(None, [order.name, origin.display_name if origin else None])),
                "currency_id": self.currency_id.id or vals.get("currency_id"),
                "refund_invoice_id": invoices.id if len(invoices) == 1 else False,
                "payment_term_id": False,
            }
        )
        return vals

    @api.multi
    def _prepare_scaled_refund_lines(self, order, invoices, amount):
        """The lines of the invoices (or of the order) at ``amount / total`` of their price."""
        self.ensure_one()
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        if invoices:
            total = sum(invoices.mapped("amount_total"))
            bases = [
                {
                    "name": line.name,
                    "product_id": line.product_id.id,
                    "uom_id": line.uom_id.id,
                    "account_id": line.account_id.id,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "discount": line.discount,
                    "invoice_line_tax_ids": [(6, 0, line.invoice_line_tax_ids.ids)],
                    "account_analytic_id": line.account_analytic_id.id,
                    "analytic_tag_ids": [(6, 0, line.analytic_tag_ids.ids)],
                }
                for line in invoices.mapped("invoice_line_ids")
            ]
        else:
            total = order.amount_total
            bases = []
            for line in order.order_line.filtered(lambda sol: sol.product_id and sol.product_uom_qty):
                values = line._prepare_invoice_line(line.product_uom_qty)
                values.pop("sale_line_ids", None)
                bases.append(values)
        if not bases or float_is_zero(total, precision_rounding=self.currency_id.rounding):
            raise UserError(_("Order %s has nothing to credit: create the credit note by hand.") % order.name)
        ratio = amount / total
        for values in bases:
            values["price_unit"] = float_round(values["price_unit"] * ratio, precision_digits=price_digits)
        return bases

    @api.model
    def _preview_invoice_total(self, vals):
        """The total of the invoice ``vals`` would create, computed in memory
        exactly as the invoice computes it (lines, taxes, rounding)."""
        invoice = self.env["account.invoice"].new(vals)
        invoice._onchange_invoice_line_ids()
        invoice._compute_amount()
        return invoice.amount_total

    @api.multi
    def _create_refund_credit_note(self, plan):
        """The draft credit note of this refund; its total must be the refund's."""
        self.ensure_one()
        if plan["invoice"]:
            credit_note = plan["invoice"].refund(description=plan["reason"])
        else:
            credit_note = self.env["account.invoice"].create(plan["vals"])
            credit_note.compute_taxes()
        if self._compare_amounts(credit_note.amount_total, -self.amount):
            raise UserError(
                _("The credit note would be %(credit)s instead of %(amount)s: check the order's taxes and prices.")
                % {"credit": self._format_amount(credit_note.amount_total), "amount": self._format_amount(-self.amount)}
            )
        return credit_note

    @api.multi
    def _confirm_refund(self, credit_note, journal, user):
        """The provider refunded (or a manual refund is recorded): validate the
        credit note and pay it back with an outgoing payment."""
        self.ensure_one()
        credit_note.action_invoice_open()
        # the customer finds the credit note in their portal
        credit_note.message_subscribe(partner_ids=credit_note.partner_id.commercial_partner_id.ids)
        payment = self._create_refund_payment(credit_note, journal)
        values = {"refund_invoice_id": credit_note.id, "refund_payment_id": payment.id}
        if self.refund_manual:
            self.write(dict(values, state="refunding"))
            self._log_refund(
                _(
                    "Manual refund %(reference)s of %(amount)s recorded by %(user)s: credit note %(credit_note)s. "
                    "Confirm the outgoing payment %(payment)s once the money is sent to the customer."
                ),
                user,
            )
            return
        payment.post()
        self.write(dict(values, state="refunded", date_validate=fields.Datetime.now()))
        self._on_refund_done(user)

    @api.multi
    def _create_refund_payment(self, credit_note, journal):
        """The outgoing payment of the credit note (draft; posting reconciles them)."""
        self.ensure_one()
        return self.env["account.payment"].create(
            {
                "payment_type": "outbound",
                "partner_type": "customer",
                "partner_id": credit_note.partner_id.id,
                "amount": -self.amount,
                "currency_id": self.currency_id.id,
                "journal_id": journal.id,
                "payment_date": fields.Date.context_today(self),
                "payment_method_id": self.env.ref("account.account_payment_method_manual_out").id,
                "communication": "%s (%s)" % (credit_note.number, self.reference),
                "invoice_ids": [(6, 0, credit_note.ids)],
            }
        )

    @api.multi
    def _on_refund_done(self, user):
        """The money is on its way back: log, tell the customer. A refund of
        a document (``_get_refund_origin``) is told by the add-on that owns
        it, which extends this method (its own email, its document's state)."""
        for refund in self:
            refund._log_refund(
                _(
                    "Refund %(reference)s of %(amount)s through %(acquirer)s by %(user)s: "
                    "credit note %(credit_note)s, payment %(payment)s."
                ),
                user,
            )
            if not refund._get_refund_origin():
                refund._notify_refund_customer()

    @api.multi
    def _notify_refund_customer(self):
        """Email the customer from the order's thread, in their language."""
        self.ensure_one()
        template = self.env.ref("soon_payment_refund.mail_template_refund_done", raise_if_not_found=False)
        order = self.sale_order_id
        if not template or not order:
            return
        values = template.generate_email(self.id, fields=["subject", "body_html"])
        order.message_post(
            body=values["body_html"],
            subject=values["subject"],
            partner_ids=order.partner_id.ids,
            message_type="comment",
            subtype="mail.mt_comment",
        )

    @api.multi
    def _log_refund(self, template, user, **extra):
        """An internal note on the order (and the return): what, how much, who."""
        for refund in self:
            values = {
                "reference": refund.reference,
                "amount": refund._format_amount(-refund.amount),
                "acquirer": refund.acquirer_id.name,
                "user": user.name,
                "credit_note": refund.refund_invoice_id.number or "",
                "payment": refund.refund_payment_id.name or "",
            }
            values.update(extra)
            body = html_escape(template % values)
            for record in refund._get_refund_log_records():
                record.message_post(body=body, subtype="mail.mt_note", author_id=user.partner_id.id)

    @api.multi
    def _get_refund_log_records(self):
        """Where the refund's notes go: the order (add-ons add their document)."""
        self.ensure_one()
        return [record for record in (self.sale_order_id,) if record]

    # ------------------------------------------------------------------
    # Refund: the providers
    # ------------------------------------------------------------------
    @api.multi
    def _send_refund_request(self, found=None):
        """Ask the provider for this refund (or adopt ``found``, the provider's
        refund of this attempt): returns ``"succeeded"`` or ``"pending"``;
        raises ``RefundProviderError``."""
        self.ensure_one()
        if found is not None:
            return getattr(self, "_%s_adopt_refund" % self.provider)(found)
        method = getattr(self, "_%s_send_refund_request" % self.provider, None)
        if not method:
            raise UserError(_("%s cannot send refunds.") % self.acquirer_id.name)
        return method() or "succeeded"

    @api.multi
    def _prepare_refund_request(self, retried=False):
        """Before the request (outside the credit note's savepoint, so that
        it stays when the provider refuses): a ``retried`` attempt, whose
        outcome is unknown, is first looked up at the provider; the date its
        idempotency key is first sent is recorded. Returns the provider's
        refund of this attempt to adopt, or None to send the request."""
        self.ensure_one()
        prepare = getattr(self, "_%s_prepare_refund_request" % self.provider, None)
        found = prepare(retried) if prepare else None
        if found is None and not self.refund_idempotency_key_date:
            self.write({"refund_idempotency_key_date": fields.Datetime.now()})
        return found

    @api.multi
    def _get_next_refund_idempotency_key(self):
        """The key of the next try of this attempt (``...-k2``, ``...-k3``):
        only depends on the current key, like the first one."""
        self.ensure_one()
        match = re.match(r"^(.*)-k(\d+)$", self.refund_idempotency_key or "")
        base, number = (match.group(1), int(match.group(2))) if match else (self.refund_idempotency_key, 1)
        return "%s-k%d" % (base, number + 1)

    @api.model
    def _get_minor_units(self, amount, currency):
        """``amount`` in the currency's smallest unit: cents, or đồng for VND
        (zero-decimal currencies have no fraction whatever Odoo says)."""
        decimals = 0 if currency.name in ZERO_DECIMAL_CURRENCIES else currency.decimal_places
        return int(float_round(amount * 10**decimals, precision_digits=0))
