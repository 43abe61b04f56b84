from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class SaleOrder(models.Model):
    _inherit = "sale.order"

    payment_status = fields.Selection(selection_add=[("partially_refunded", "Partially refunded")])
    refund_count = fields.Integer(string="Refunds", compute="_compute_refund_count")

    @api.depends("payment_tx_ids.state", "payment_tx_ids.amount", "payment_tx_ids.operation")
    def _compute_payment_status(self):
        """Refunded when refunds reach what was captured, partially refunded before."""
        result = super()._compute_payment_status()
        for order in self:
            transactions = order.sudo().payment_tx_ids
            rounding = (transactions[:1].currency_id or order.currency_id).rounding or 0.01
            refunded = -sum(tx.amount for tx in transactions if tx.operation == "refund" and tx.state == "refunded")
            if float_compare(refunded, 0.0, precision_rounding=rounding) <= 0:
                continue
            captured = sum(tx.amount for tx in transactions if tx.operation == "payment" and tx.state == "done")
            fully = float_compare(refunded, captured, precision_rounding=rounding) >= 0
            order.payment_status = "refunded" if fully else "partially_refunded"
        return result

    def _compute_refund_count(self):
        data = (
            self.env["payment.transaction"]
            .sudo()
            .read_group(
                [("sale_order_id", "in", self.ids), ("operation", "=", "refund")], ["sale_order_id"], ["sale_order_id"]
            )
        )
        counts = {d["sale_order_id"][0]: d["sale_order_id_count"] for d in data}
        for order in self:
            order.refund_count = counts.get(order.id, 0)

    @api.multi
    def _get_refundable_transactions(self):
        """Captured payments of the order, the one with most left to refund first."""
        self.ensure_one()
        payments = self.sudo().payment_tx_ids.filtered(lambda tx: tx.operation == "payment" and tx.state == "done")
        return payments.sorted(lambda tx: (-tx.amount_refundable, tx.id))

    @api.multi
    def _get_portal_refunds(self):
        """Refunds the customer sees on the order page: done or on their way."""
        self.ensure_one()
        return (
            self.sudo()
            .payment_tx_ids.filtered(lambda tx: tx.operation == "refund" and tx.state in ("refunding", "refunded"))
            .sorted(lambda tx: (tx.date_validate or tx.create_date, tx.id))
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.multi
    def action_refund(self):
        """The order's "Refund" button (accounting and sales managers)."""
        self.ensure_one()
        self.env["payment.transaction"]._check_refund_access()
        return self._action_open_refund_wizard()

    @api.multi
    def _action_open_refund_wizard(self, retry=None):
        self.ensure_one()
        if not retry and not self._get_refundable_transactions():
            raise UserError(
                _("Order %s has no captured payment to refund: refund the customer from the invoice.") % self.name
            )
        action = self.env.ref("soon_payment_refund.payment_refund_wizard_action").read()[0]
        action["context"] = {
            "default_order_id": self.id,
            "default_retry_transaction_id": retry.id if retry else False,
        }
        return action

    @api.multi
    def action_view_refunds(self):
        self.ensure_one()
        self.check_access_rule("read")
        action = self.env.ref("soon_payment_refund.payment_transaction_refund_action").read()[0]
        action["domain"] = [("sale_order_id", "=", self.id), ("operation", "=", "refund")]
        return action

    @api.multi
    def action_mark_as_paid(self):
        """An order refunded (even partly) was paid: marking it paid again would
        invoice it again."""
        self.ensure_one()
        if self.payment_status in ("partially_refunded", "refunded"):
            return True
        return super().action_mark_as_paid()
