"""Refunds through payment acquirers, and the payments of the demo acquirer.

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
"""

import hashlib
import hmac
import logging
import math
import re
from datetime import datetime, timedelta

import requests
from odoo import _, api, fields, models
from odoo.addons.payment.models.payment_acquirer import ValidationError
from odoo.addons.payment_stripe.models.payment import INT_CURRENCIES, STRIPE_HEADERS
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
    "refund_return_request_id",
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
#: seconds to wait for Stripe's answer (the refund keeps the payment locked meanwhile)
STRIPE_TIMEOUT = 30
#: Stripe prunes idempotency keys once they are 24 hours old: an older key is
#: never sent again (an hour of margin for clocks and slow requests)
STRIPE_KEY_LIFETIME = timedelta(hours=23)
#: Stripe error codes with a clearer explanation than Stripe's own message
STRIPE_ERROR_CODES = {
    "charge_already_refunded": "already_refunded",
    "amount_too_large": "amount_too_large",
    "balance_insufficient": "balance_insufficient",
    "resource_missing": "resource_missing",
    "charge_disputed": "charge_disputed",
}


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
    refund_return_request_id = fields.Many2one(
        "return.request", string="Return Request", readonly=True, copy=False, index=True
    )
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
            forbidden = [name for name in REFUND_FIELDS if values.get(name) and values[name] != "payment"]
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
            names = list(REFUND_FIELDS)
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
    def _refund(self, amount=None, return_request=None, manual=False, journal=None, reason=None, retry=None):
        """Refund ``amount`` of this captured payment to the customer.

        ``return_request``: refund the received items of this return (the
        amount is their value minus the restocking fees); ``manual``: record a
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
            return_request, manual = retry.refund_return_request_id, False
        else:
            source._check_no_refund_to_retry()
        if return_request:
            return_request = return_request.sudo()
            return_request._check_refund_allowed(source)
        plan = source._prepare_refund_plan(amount, return_request, reason)
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
            refund = source._create_refund_transaction(amount, manual, return_request, plan["reason"], user)
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
    def _create_refund_transaction(self, amount, manual, return_request, reason, user):
        """The refund attempt: a negative transaction linked to this payment.

        Its reference (``<payment>-R<n>``) and idempotency key only depend on
        the database's state, so a request retried by Odoo after a
        serialisation failure sends the same key to the provider.
        """
        self.ensure_one()
        Tx = self.env["payment.transaction"]
        reference = Tx._get_next_reference("%s-R%d" % (self.reference, len(self.refund_transaction_ids) + 1))
        db_uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return Tx.create(
            {
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
                "refund_return_request_id": return_request.id if return_request else False,
                "refund_user_id": user.id,
                "refund_reason": reason,
                "refund_idempotency_key": "soon-refund-%s-%s" % (db_uuid, reference),
            }
        )

    # ------------------------------------------------------------------
    # Refund: the credit note
    # ------------------------------------------------------------------
    @api.multi
    def _prepare_refund_plan(self, amount, return_request=None, reason=None):
        """How the credit note of a refund of ``amount`` is made.

        Returns ``{"amount", "reason", "invoice", "vals"}``: ``invoice`` is the
        order's invoice when it is refunded whole (Odoo's ``refund()``);
        otherwise ``vals`` creates the credit note:

        * a return: the received lines at the order's prices, and one negative
          line per restocking fee (the amount is their total);
        * a part of the payment: the lines of the order's invoices (or of the
          order) at prices scaled to the amount, plus a rounding line so that
          the credit note is exactly the amount refunded.
        """
        self.ensure_one()
        order = self.sale_order_id.with_context(
            force_company=self.sale_order_id.company_id.id, company_id=self.sale_order_id.company_id.id
        )
        currency = self.currency_id
        invoices = order.invoice_ids.filtered(lambda inv: inv.type == "out_invoice" and inv.state in ("open", "paid"))
        if return_request:
            reason = reason or _("Return %s") % return_request.name
            lines = return_request._prepare_refund_invoice_lines()
            vals = self._prepare_refund_invoice_header(order, invoices, reason, return_request)
            vals["invoice_line_ids"] = [(0, 0, line) for line in lines]
            total = self._preview_invoice_total(vals)
            return {"amount": total, "reason": reason, "invoice": None, "vals": vals}
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
            return {"amount": amount, "reason": reason, "invoice": invoices, "vals": None}
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
        return {"amount": amount, "reason": reason, "invoice": None, "vals": vals}

    @api.model
    def _prepare_refund_invoice_header(self, order, invoices, reason, return_request=None):
        vals = order._prepare_invoice()
        vals.update(
            {
                "type": "out_refund",
                "name": reason,
                "origin": ", ".join(filter(None, [order.name, return_request.name if return_request else None])),
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
        """The money is on its way back: close the return, tell the customer, log."""
        for refund in self:
            refund._log_refund(
                _(
                    "Refund %(reference)s of %(amount)s through %(acquirer)s by %(user)s: "
                    "credit note %(credit_note)s, payment %(payment)s."
                ),
                user,
            )
            return_request = refund.refund_return_request_id
            if return_request:
                return_request._set_refunded(refund.refund_invoice_id)
                return_request._notify_customer("soon_returns.mail_template_return_refunded")
            else:
                refund._notify_refund_customer()

    @api.multi
    def _notify_refund_customer(self):
        """Email the customer from the order's thread, in their language."""
        self.ensure_one()
        template = self.env.ref("soon_returns.mail_template_refund_done", raise_if_not_found=False)
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
            for record in (refund.sale_order_id, refund.refund_return_request_id):
                if record:
                    record.message_post(body=body, subtype="mail.mt_note", author_id=user.partner_id.id)

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
        (Stripe's zero-decimal currencies have no fraction whatever Odoo says)."""
        decimals = 0 if currency.name in INT_CURRENCIES else currency.decimal_places
        return int(float_round(amount * 10**decimals, precision_digits=0))

    # demo ----------------------------------------------------------------
    @api.multi
    def _soon_demo_send_refund_request(self):
        acquirer = self.acquirer_id
        outcome = acquirer.soon_demo_refund_outcome
        if outcome == "decline":
            raise RefundProviderError(acquirer.soon_demo_refund_message or _("The demo bank declined the refund."))
        if outcome == "unavailable":
            raise RefundProviderError(_("The demo bank is unavailable for a moment: retry the refund."), retryable=True)
        self.acquirer_reference = "demo_re_%s" % self.reference

    # stripe ----------------------------------------------------------------
    @api.multi
    def _stripe_check_refund(self):
        if not self.acquirer_reference:
            raise UserError(
                _(
                    "Payment %s has no Stripe charge reference: refund it from the Stripe dashboard, "
                    "then record a manual refund."
                )
                % self.reference
            )

    @api.multi
    def _stripe_refund_params(self):
        """What this attempt asks Stripe: the charge, the amount in the
        currency's smallest unit, our references (found again when the
        outcome is unknown)."""
        self.ensure_one()
        return {
            "charge": self.source_transaction_id.acquirer_reference,
            "amount": self._get_minor_units(-self.amount, self.currency_id),
            "metadata[odoo_reference]": self.reference,
            "metadata[odoo_payment]": self.source_transaction_id.reference,
        }

    @api.multi
    def _stripe_headers(self, idempotency_key=None):
        headers = dict(STRIPE_HEADERS, Authorization="Bearer %s" % self.acquirer_id.sudo().stripe_secret_key)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    @api.model
    def _stripe_json(self, response):
        try:
            payload = response.json()
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}

    @api.multi
    def _stripe_send_refund_request(self):
        """POST /v1/refunds with the charge, the amount in the smallest unit,
        our reference in the metadata and the attempt's idempotency key
        (https://docs.stripe.com/api/refunds/create)."""
        self.ensure_one()
        params = self._stripe_refund_params()
        if params["amount"] <= 0:
            raise RefundProviderError(
                _("Stripe cannot refund %s: it is less than the smallest unit of the currency.")
                % self._format_amount(-self.amount)
            )
        try:
            response = requests.post(
                self.acquirer_id._get_stripe_refund_url(),
                data=params,
                headers=self._stripe_headers(self.refund_idempotency_key),
                timeout=STRIPE_TIMEOUT,
            )
        except requests.exceptions.RequestException as error:
            # the outcome is unknown: the retry asks Stripe first, same key within 24 hours
            _logger.warning("Stripe refund %s: no answer (%s)", self.reference, error)
            raise RefundProviderError(
                _("Stripe could not be reached (%s). Retry the refund: Stripe never refunds the same attempt twice.")
                % error.__class__.__name__,
                retryable=True,
            )
        payload = self._stripe_json(response)
        if response.status_code >= 400 or "error" in payload or not payload:
            error = self._stripe_refund_error(response.status_code, payload.get("error") or {})
            kind = (payload.get("error") or {}).get("type")
            if (
                response.status_code >= 500
                and kind == "api_error"
                or response.status_code == 400
                and (kind == "idempotency_error")
            ):
                # Stripe saved this answer under the key and would replay it:
                # the retry looks for a refund of this attempt, then uses a new key
                # (never after a 409: the first request is still running)
                error.values = {
                    "refund_idempotency_key": self._get_next_refund_idempotency_key(),
                    "refund_idempotency_key_date": False,
                }
            raise error
        return self._stripe_adopt_refund(payload)

    @api.multi
    def _stripe_check_refund_object(self, refund):
        """Stripe's refund of this attempt, checked against what was asked:
        returns ``succeeded``, ``pending`` or ``failed``."""
        self.ensure_one()
        params = self._stripe_refund_params()
        charge = refund.get("charge")
        if isinstance(charge, dict):
            charge = charge.get("id")
        if refund.get("amount") != params["amount"] or charge != params["charge"]:
            raise RefundProviderError(
                _(
                    "Stripe answered with refund %(id)s of %(got)s (smallest unit) on %(got_charge)s instead of "
                    "%(amount)s on %(charge)s: check the refunds of the payment in the Stripe dashboard."
                )
                % {
                    "id": refund.get("id"),
                    "got": refund.get("amount"),
                    "got_charge": charge,
                    "amount": params["amount"],
                    "charge": params["charge"],
                },
                retryable=True,
            )
        status = refund.get("status")
        if status in ("pending", "requires_action"):
            return "pending"
        if status in ("failed", "canceled"):
            return "failed"
        if status == "succeeded":
            return status
        raise RefundProviderError(_("Stripe did not refund (status: %s).") % status, retryable=True)

    @api.multi
    def _stripe_failure_message(self, refund):
        return _("Stripe could not refund this payment (refund %(id)s failed: %(reason)s).") % {
            "id": refund.get("id"),
            "reason": refund.get("failure_reason") or refund.get("status"),
        }

    @api.multi
    def _stripe_adopt_refund(self, refund):
        """This attempt is Stripe's ``refund`` (just made, or found when the
        outcome was unknown): ``succeeded`` or ``pending``; a failed refund
        fails the attempt (its amount can be refunded again)."""
        self.ensure_one()
        status = self._stripe_check_refund_object(refund)
        if status == "failed":
            raise RefundProviderError(self._stripe_failure_message(refund), values={"acquirer_reference": refund["id"]})
        self.write({"acquirer_reference": refund.get("id")})
        return status

    @api.multi
    def _stripe_get(self, url, params=None):
        """GET from Stripe's API: the JSON answer; raises a retryable
        ``RefundProviderError`` (nothing is known) when there is none."""
        try:
            response = requests.get(url, params=params, headers=self._stripe_headers(), timeout=STRIPE_TIMEOUT)
        except requests.exceptions.RequestException as error:
            _logger.warning("Stripe refund %s: no answer to %s (%s)", self.reference, url, error)
            raise RefundProviderError(
                _("Stripe could not be reached (%s) to check this refund: try again later.") % error.__class__.__name__,
                retryable=True,
            )
        payload = self._stripe_json(response)
        if response.status_code >= 400 or "error" in payload or not payload:
            error = self._stripe_refund_error(response.status_code, payload.get("error") or {})
            raise RefundProviderError(error.message, retryable=True)
        return payload

    @api.multi
    def _stripe_find_refund(self):
        """Stripe's refund carrying this attempt's reference in its metadata,
        or None: the refunds of the charge, every page
        (https://docs.stripe.com/api/refunds/list)."""
        self.ensure_one()
        url = self.acquirer_id._get_stripe_refund_url()
        params = {"charge": self.source_transaction_id.acquirer_reference, "limit": 100}
        while True:
            page = self._stripe_get(url, params)
            refunds = page.get("data") if page.get("object") == "list" else None
            if not isinstance(refunds, list):
                raise RefundProviderError(_("Stripe's list of refunds could not be read."), retryable=True)
            for refund in refunds:
                if (refund.get("metadata") or {}).get("odoo_reference") == self.reference:
                    return refund
            if not page.get("has_more") or not refunds:
                return None
            params["starting_after"] = refunds[-1]["id"]

    @api.multi
    def _stripe_prepare_refund_request(self, retried):
        """A retried attempt may have been refunded (no answer, a 500, a
        timeout): adopt Stripe's refund carrying our reference if there is
        one; otherwise send the same key while Stripe remembers it (under 24
        hours: a request still running cannot run twice), else a new one."""
        self.ensure_one()
        if not retried:
            return None
        found = self._stripe_find_refund()
        if found is not None:
            return found
        sent = self.refund_idempotency_key_date
        if sent and fields.Datetime.from_string(sent) <= datetime.utcnow() - STRIPE_KEY_LIFETIME:
            self.write(
                {
                    "refund_idempotency_key": self._get_next_refund_idempotency_key(),
                    "refund_idempotency_key_date": False,
                }
            )
        return None

    @api.multi
    def _stripe_fetch_refund_status(self):
        """A pending refund's status at Stripe (GET /v1/refunds/<id>):
        ``(status, message)``."""
        self.ensure_one()
        refund = self._stripe_get("%s/%s" % (self.acquirer_id._get_stripe_refund_url(), self.acquirer_reference))
        status = self._stripe_check_refund_object(refund)
        return status, self._stripe_failure_message(refund) if status == "failed" else False

    @api.model
    def _stripe_refund_error(self, status_code, error):
        """A Stripe error answer as a message for the shop staff
        (https://docs.stripe.com/api/errors, https://docs.stripe.com/error-codes)."""
        code, kind = error.get("code"), error.get("type")
        stripe_message = error.get("message") or _("HTTP status %s") % status_code
        # the outcome is unknown (or another request with the key is running): retried after a look-up
        retryable = (
            status_code in (409, 429)
            or status_code >= 500
            or kind in ("api_error", "rate_limit_error", "idempotency_error")
        )
        if kind == "authentication_error" or status_code == 401:
            text = _("Stripe refused the secret key: check the credentials of the acquirer.")
        elif status_code == 409:
            text = _("Stripe is still processing an earlier request of this refund attempt: retry it in a moment.")
        elif kind == "idempotency_error":
            text = _(
                "Stripe received this refund attempt before with other values: retry it (Stripe's refunds of the "
                "payment are checked first) or abandon it."
            )
        elif status_code == 429 or kind == "rate_limit_error":
            text = _("Stripe received too many requests: retry the refund in a moment.")
        elif retryable:
            text = _("Stripe had a temporary problem: retry the refund, Stripe never refunds the same attempt twice.")
        else:
            text = {
                "already_refunded": _("Stripe says this payment is already fully refunded."),
                "amount_too_large": _("The amount is larger than what is left to refund on this payment at Stripe."),
                "balance_insufficient": _(
                    "Your Stripe balance is too low to fund this refund: add funds in Stripe, then refund again."
                ),
                "resource_missing": _(
                    "Stripe does not know this payment: check that the acquirer uses the keys (test or live) "
                    "it was paid with."
                ),
                "charge_disputed": _("The customer disputed this payment: Stripe refunds it through the dispute."),
            }.get(STRIPE_ERROR_CODES.get(code), _("Stripe refused the refund."))
        return RefundProviderError(
            _("%(text)s (Stripe: %(message)s)") % {"text": text, "message": stripe_message}, retryable=retryable
        )

    # ------------------------------------------------------------------
    # Demo acquirer: payments
    # ------------------------------------------------------------------
    @api.model
    def _soon_demo_signature(self, reference, amount, currency_name):
        """Signs the values of the demo payment form (nobody pays another amount)."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        message = "%s|%.2f|%s" % (reference, float(amount or 0.0), currency_name)
        return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    @api.multi
    def _soon_demo_form_data(self, outcome="done"):
        """What the demo payment page posts back for this transaction, signed
        (without ``outcome``: what the checkout form posts to the page)."""
        self.ensure_one()
        data = {
            "reference": self.reference,
            "amount": str(self.amount),
            "currency": self.currency_id.name,
            "signature": self._soon_demo_signature(self.reference, self.amount, self.currency_id.name),
        }
        if outcome:
            data["outcome"] = outcome
        return data

    @api.model
    def _soon_demo_form_get_tx_from_data(self, data):
        reference = data.get("reference")
        tx = (
            self.search([("reference", "=", reference), ("acquirer_id.provider", "=", "soon_demo")])
            if reference
            else self
        )
        if len(tx) != 1:
            raise ValidationError(_("Demo payment: no transaction %s.") % (reference or ""))
        return tx

    @api.multi
    def _soon_demo_form_get_invalid_parameters(self, data):
        """Junk (non-ASCII signature, ``nan``, ``inf``, no amount) is invalid, never an error."""
        invalid = []
        signature = self._soon_demo_signature(self.reference, self.amount, self.currency_id.name)
        received = data.get("signature") or ""
        received = received.encode("utf-8", "replace") if isinstance(received, str) else b""
        if not hmac.compare_digest(signature.encode(), received):
            invalid.append(("signature", data.get("signature"), "..."))
        try:
            amount = float(data.get("amount"))
        except (TypeError, ValueError):
            amount = None
        if amount is None or not math.isfinite(amount) or self._compare_amounts(amount, self.amount):
            invalid.append(("amount", data.get("amount"), "%.2f" % self.amount))
        if data.get("currency") != self.currency_id.name:
            invalid.append(("currency", data.get("currency"), self.currency_id.name))
        return invalid

    @api.multi
    def _soon_demo_form_validate(self, data):
        if self.state not in ("draft", "pending"):
            return True
        if not self.acquirer_id._soon_demo_payments_enabled():
            # no money moves: never a confirmed order outside a demo shop, published or not
            return self.write(
                {"state": "error", "state_message": _("Demo payments are disabled on this shop: no order is paid.")}
            )
        outcome = self.acquirer_id.soon_demo_payment_outcome
        if outcome == "ask":
            outcome = data.get("outcome") if data.get("outcome") in ("done", "pending", "error") else "done"
        values = {"acquirer_reference": "demo_ch_%s" % self.reference, "date_validate": fields.Datetime.now()}
        if outcome == "error":
            values.update(state="error", state_message=_("The demo card was declined."))
        else:
            values["state"] = outcome
        return self.write(values)
