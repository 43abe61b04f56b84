from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    return_request_ids = fields.One2many("return.request", "order_id", string="Return Requests")
    return_request_count = fields.Integer(string="Returns", compute="_compute_return_request_count")

    @api.depends("return_request_ids")
    def _compute_return_request_count(self):
        data = self.env["return.request"].read_group([("order_id", "in", self.ids)], ["order_id"], ["order_id"])
        counts = {d["order_id"][0]: d["order_id_count"] for d in data}
        for order in self:
            order.return_request_count = counts.get(order.id, 0)

    @api.multi
    def _get_return_info(self):
        """Per delivered line, what can still be returned (see sale.order.line)."""
        self.ensure_one()
        if self.state not in ("sale", "done"):
            return {}
        return self.order_line._get_return_info()

    @api.multi
    def _portal_can_return(self):
        """Show the portal's "Return items" button: something is still returnable."""
        self.ensure_one()
        return any(info["returnable"] for info in self._get_return_info().values())

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.multi
    def action_view_return_requests(self):
        self.ensure_one()
        action = self.env.ref("soon_returns.return_request_action").read()[0]
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        if self.return_request_count == 1:
            action["views"] = [(self.env.ref("soon_returns.return_request_view_form").id, "form")]
            action["res_id"] = self.return_request_ids.id
        return action

    @api.multi
    def _action_open_refund_wizard(self, retry=None, return_request=None):
        """``return_request``: the wizard refunds this received return."""
        action = super()._action_open_refund_wizard(retry=retry)
        action["context"]["default_return_request_id"] = return_request.id if return_request else False
        return action
