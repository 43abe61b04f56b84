from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PaymentRefundWizard(models.TransientModel):
    """The "Refund" button of a received return: the refund wizard on the
    return's order, the amount being the returned lines' value minus the
    restocking fees."""

    _inherit = "payment.refund.wizard"

    return_request_id = fields.Many2one("return.request", string="Return", readonly=True)
    amount_returned = fields.Monetary(string="Value of the Returned Items", compute="_compute_return_amounts")
    amount_restocking_fee = fields.Monetary(string="Restocking Fees", compute="_compute_return_amounts")

    @api.model
    def _get_default_refund_origin(self, values):
        return self.env["return.request"].browse(values.get("return_request_id")) or super()._get_default_refund_origin(
            values
        )

    @api.model
    def _prepare_refund_origin_values(self, origin):
        values = super()._prepare_refund_origin_values(origin)
        values["return_request_id"] = origin.id if origin and origin._name == "return.request" else False
        return values

    @api.multi
    def _get_refund_origin(self):
        self.ensure_one()
        return self.return_request_id or super()._get_refund_origin()

    @api.multi
    def _check_consistency(self):
        """The return is the order's."""
        result = super()._check_consistency()
        for wizard in self.sudo():
            if wizard.return_request_id and wizard.return_request_id.order_id != wizard.order_id:
                raise UserError(_("Choose a return of order %s.") % wizard.order_id.name)
        return result

    @api.depends("return_request_id")
    def _compute_return_amounts(self):
        # the amounts of any return are read as superuser: managers only
        self._check_refund_access()
        for wizard in self:
            wizard.amount_returned = wizard.return_request_id.sudo().amount_refund_value
            wizard.amount_restocking_fee = wizard.return_request_id.sudo().amount_restocking_fee

    @api.depends("return_request_id")
    def _compute_can_edit_amount(self):
        return super()._compute_can_edit_amount()
