from odoo import api, fields, models


class ReturnRequestReject(models.TransientModel):
    _name = "return.request.reject"
    _description = "Reject Return Requests"

    request_ids = fields.Many2many(
        "return.request", string="Return Requests", required=True, default=lambda self: self._default_request_ids()
    )
    reason = fields.Text(required=True, help="Emailed to the customer: explain why the return is refused.")

    @api.model
    def _default_request_ids(self):
        if self.env.context.get("active_model") == "return.request":
            return [(6, 0, self.env.context.get("active_ids", []))]
        return []

    @api.multi
    def action_reject(self):
        self.ensure_one()
        for request in self.request_ids:
            request._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
