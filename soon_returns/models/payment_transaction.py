"""Refunds of received returns: soon_returns feeds the refund engine
(``soon_payment_refund``) with its own refund plan and closes the return
once the money is on its way back."""

from odoo import _, api, fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    refund_return_request_id = fields.Many2one(
        "return.request", string="Return Request", readonly=True, copy=False, index=True
    )

    # ------------------------------------------------------------------
    # Guards: the link to the return is the refund's bookkeeping too
    # ------------------------------------------------------------------
    @api.model
    def _get_refund_fields(self):
        return super()._get_refund_fields() + ["refund_return_request_id"]

    # ------------------------------------------------------------------
    # Refund of a return
    # ------------------------------------------------------------------
    @api.multi
    def _refund(self, amount=None, return_request=None, **kwargs):
        """``return_request``: refund the received items of this return (the
        amount is their value minus the restocking fees)."""
        if return_request:
            kwargs["origin"] = return_request
        return super()._refund(amount=amount, **kwargs)

    @api.multi
    def _check_refund_origin(self, origin):
        """A return: received, paid by this payment, not refunded yet (under the return's lock)."""
        if origin._name == "return.request":
            origin._check_refund_allowed(self)
            return
        super()._check_refund_origin(origin)

    @api.multi
    def _get_refund_origin(self):
        self.ensure_one()
        return self.refund_return_request_id or super()._get_refund_origin()

    @api.multi
    def _prepare_refund_plan(self, amount, origin=None, reason=None):
        """A return: the received lines at the order's prices, and one negative
        line per restocking fee (the amount is their total)."""
        if origin and origin._name == "return.request":
            self.ensure_one()
            reason = reason or _("Return %s") % origin.name
            return self._prepare_refund_plan_from_lines(origin._prepare_refund_invoice_lines(), reason, origin)
        return super()._prepare_refund_plan(amount, origin=origin, reason=reason)

    @api.multi
    def _prepare_refund_transaction_values(self, amount, manual, plan, user):
        values = super()._prepare_refund_transaction_values(amount, manual, plan, user)
        origin = plan.get("origin")
        if origin and origin._name == "return.request":
            values["refund_return_request_id"] = origin.id
        return values

    @api.multi
    def _get_refund_log_records(self):
        records = super()._get_refund_log_records()
        if self.refund_return_request_id:
            records.append(self.refund_return_request_id)
        return records

    @api.multi
    def _on_refund_done(self, user):
        """The return of the refund is refunded: its state, the customer's email."""
        result = super()._on_refund_done(user)
        for refund in self:
            return_request = refund.refund_return_request_id
            if return_request:
                return_request._set_refunded(refund.refund_invoice_id)
                return_request._notify_customer("soon_returns.mail_template_return_refunded")
        return result
