from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PaymentRefundWizard(models.TransientModel):
    """The "Refund" button of an order (and of the documents other add-ons
    refund, e.g. a received return: they add their field and extend
    ``_get_refund_origin``).

    Shows what was paid, what is already refunded and what can still be; the
    refund itself is ``payment.transaction._refund`` (locks, checks, provider,
    credit note). A provider error brings the wizard back with the provider's
    message; an attempt that failed temporarily is retried as it was.
    """

    _name = "payment.refund.wizard"
    _description = "Refund a Customer"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    retry_transaction_id = fields.Many2one(
        "payment.transaction",
        string="Failed Attempt",
        readonly=True,
        help="A refund attempt that failed temporarily: it is sent again as it was, with the same "
        "idempotency key, so the customer can never be refunded twice.",
    )
    transaction_id = fields.Many2one(
        "payment.transaction",
        string="Payment",
        required=True,
        domain="[('sale_order_id', '=', order_id), ('operation', '=', 'payment'), ('state', '=', 'done')]",
    )
    acquirer_id = fields.Many2one("payment.acquirer", related="transaction_id.acquirer_id", readonly=True)
    refund_support = fields.Selection(related="transaction_id.acquirer_id.refund_support", readonly=True)
    currency_id = fields.Many2one("res.currency", related="transaction_id.currency_id", readonly=True)
    amount_paid = fields.Monetary(string="Paid", compute="_compute_amounts")
    amount_refunded = fields.Monetary(string="Already Refunded", compute="_compute_amounts")
    amount_refund_pending = fields.Monetary(string="Refunds in Progress", compute="_compute_amounts")
    amount_refundable = fields.Monetary(string="Refundable", compute="_compute_amounts")
    method = fields.Selection(
        [("provider", "Refund through the payment provider"), ("manual", "Record a manual refund")],
        string="Refund Method",
        required=True,
        default="provider",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Payment Journal",
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Where the outgoing payment of the manual refund will be registered.",
    )
    amount = fields.Monetary(string="Amount to Refund", currency_field="currency_id")
    can_edit_amount = fields.Boolean(compute="_compute_can_edit_amount")
    reason = fields.Char(help="Shown on the credit note.")
    error_message = fields.Text(string="Provider's Answer", readonly=True)

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _check_refund_access(self):
        """Managers only, whatever the way in (``default_get``, ``create``
        with every field, a read of the amounts, the buttons)."""
        self.env["payment.transaction"]._check_refund_access()

    @api.model
    def default_get(self, fields_list):
        self._check_refund_access()
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("order_id"))
        retry = self.env["payment.transaction"].browse(values.get("retry_transaction_id")).sudo()
        origin = self._get_default_refund_origin(values)
        payment = self.env["payment.transaction"]
        if not retry and order:
            payment = order._get_refundable_transactions()[:1]
            # an attempt that failed temporarily is retried first (it may have reached the provider),
            # whichever payment of the order it refunds
            retry = order.sudo().payment_tx_ids.filtered(
                lambda tx: tx.operation == "refund" and tx.state == "error" and tx.refund_retryable
            )[:1]
        if retry:
            payment = retry.source_transaction_id
            origin = retry._get_refund_origin()
            values.update(
                {
                    "retry_transaction_id": retry.id,
                    "reason": retry.refund_reason,
                    "error_message": retry.state_message,
                },
                **self._prepare_refund_origin_values(origin),
            )
        elif payment and not origin and payment._compare_amounts(payment.amount_refundable, 0.0) <= 0:
            raise UserError(
                _("Order %s is already fully refunded (or its refunds are in progress): nothing is left to refund.")
                % order.name
            )
        values["transaction_id"] = payment.id
        values["method"] = "provider" if payment.acquirer_id.refund_support != "none" else "manual"
        values["journal_id"] = payment.acquirer_id.journal_id.id
        values["amount"] = self._get_default_amount(payment, origin, retry)
        return values

    @api.model
    def _get_default_refund_origin(self, values):
        """The document to refund given by the default values (None: an
        amount of the order's payment); add-ons that refund documents extend it."""
        return None

    @api.model
    def _prepare_refund_origin_values(self, origin):
        """The wizard's values that show ``origin`` (a retried attempt's document)."""
        return {}

    @api.multi
    def _get_refund_origin(self):
        """The document this wizard refunds (None: an amount of the payment)."""
        self.ensure_one()
        return None

    @api.model
    def _get_default_amount(self, payment, origin, retry=None):
        self._check_refund_access()  # reads any payment as superuser (also from the onchange)
        if retry:
            return -retry.amount
        if not payment:
            return 0.0
        if origin:
            return payment.sudo()._prepare_refund_plan(None, origin.sudo())["amount"]
        return payment.sudo().amount_refundable

    @api.model
    def create(self, values):
        self._check_refund_access()
        wizard = super().create(values)
        wizard._check_consistency()
        return wizard

    @api.multi
    def write(self, values):
        self._check_refund_access()
        result = super().write(values)
        self._check_consistency()
        return result

    @api.multi
    def _check_consistency(self):
        """The payment is a captured payment of the order; the failed attempt
        is the payment's."""
        for wizard in self.sudo():
            payment, order = wizard.transaction_id, wizard.order_id
            if payment.sale_order_id != order or payment.operation != "payment":
                raise UserError(_("Choose a payment of order %s.") % order.name)
            retry = wizard.retry_transaction_id
            if retry and retry.source_transaction_id != payment:
                raise UserError(_("This refund attempt cannot be retried: start a new refund."))

    @api.depends("transaction_id")
    def _compute_amounts(self):
        # the amounts of any payment are read as superuser: managers only
        self._check_refund_access()
        for wizard in self:
            payment = wizard.transaction_id.sudo()
            wizard.amount_paid = payment.amount
            wizard.amount_refunded = payment.amount_refunded
            wizard.amount_refund_pending = payment.amount_refund_pending
            wizard.amount_refundable = payment.amount_refundable

    @api.depends("method", "refund_support", "retry_transaction_id")
    def _compute_can_edit_amount(self):
        for wizard in self:
            wizard.can_edit_amount = (
                not wizard._get_refund_origin()
                and not wizard.retry_transaction_id
                and (wizard.method == "manual" or wizard.refund_support == "full_and_partial")
            )

    @api.onchange("transaction_id", "method")
    def _onchange_transaction_id(self):
        if self.transaction_id and not self.retry_transaction_id:
            self.amount = self._get_default_amount(self.transaction_id, self._get_refund_origin())
            if self.method == "manual" and not self.journal_id:
                self.journal_id = self.transaction_id.acquirer_id.journal_id

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.multi
    def action_refund(self):
        self.ensure_one()
        self._check_refund_access()
        manual = self.method == "manual" and not self.retry_transaction_id
        origin = self._get_refund_origin()
        if origin:
            amount = None  # the document's value, computed by the refund itself
        elif self.can_edit_amount:
            amount = self.amount
        else:
            # shown read-only: what the server computes, not what the browser sent
            amount = self._get_default_amount(self.transaction_id, None, self.retry_transaction_id)
        refund = self.transaction_id._refund(
            amount=amount,
            origin=origin or None,
            manual=manual,
            journal=self.journal_id if manual else None,
            reason=self.reason or None,
            retry=self.retry_transaction_id or None,
        )
        if refund.state == "error":
            self.write(
                {
                    "error_message": refund.state_message,
                    "retry_transaction_id": refund.id if refund.refund_retryable else False,
                }
            )
            return self._reopen()
        return {"type": "ir.actions.act_window_close"}

    @api.multi
    def action_abandon_attempt(self):
        """Give up the failed attempt (the provider shows no refund), then start over."""
        self.ensure_one()
        self._check_refund_access()
        self.retry_transaction_id.action_abandon_refund()
        self.write(
            {
                "retry_transaction_id": False,
                "error_message": False,
                "amount": self._get_default_amount(self.transaction_id, self._get_refund_origin()),
            }
        )
        return self._reopen()

    @api.multi
    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Refund"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
