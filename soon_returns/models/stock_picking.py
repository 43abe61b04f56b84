from odoo import api, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    return_request_id = fields.Many2one("return.request", index=True, copy=False, readonly=True)
    return_request_count = fields.Integer(compute="_compute_return_request_count", string="Return Requests")

    @api.multi
    def _get_return_requests(self):
        """The requests of this return transfer, or the returns of this delivery's order."""
        self.ensure_one()
        if self.return_request_id:
            return self.return_request_id
        if self.picking_type_code == "outgoing" and self.sale_id:
            products = self.move_lines.mapped("product_id")
            return self.sale_id.return_request_ids.filtered(lambda r: r.line_ids.mapped("product_id") & products)
        return self.env["return.request"]

    @api.depends("return_request_id", "sale_id.return_request_ids")
    def _compute_return_request_count(self):
        for picking in self:
            picking.return_request_count = len(picking._get_return_requests())

    @api.multi
    def action_view_return_requests(self):
        self.ensure_one()
        requests = self._get_return_requests()
        action = self.env.ref("soon_returns.return_request_action").read()[0]
        action["domain"] = [("id", "in", requests.ids)]
        if len(requests) == 1:
            action["views"] = [(self.env.ref("soon_returns.return_request_view_form").id, "form")]
            action["res_id"] = requests.id
        return action
