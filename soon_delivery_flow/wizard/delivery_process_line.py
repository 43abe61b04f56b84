# -*- coding: utf-8 -*-
from odoo import api, fields, models


class DeliveryProcessLine(models.TransientModel):
    """What "Process deliveries" did with one order, and why."""

    _name = "soon.delivery.process.line"
    _description = "Process Deliveries: Result"
    _order = "sequence_result, id"

    wizard_id = fields.Many2one("soon.delivery.process", required=True, ondelete="cascade")
    name = fields.Char("Order", readonly=True)
    sale_order_id = fields.Many2one("sale.order", "Sales Order", readonly=True)
    picking_ids = fields.Many2many(
        "stock.picking",
        "soon_delivery_process_line_picking_rel",
        "line_id",
        "picking_id",
        string="Delivery Orders",
        readonly=True,
    )
    result = fields.Selection(
        [
            ("done", "Shipped"),
            ("partial", "Partially shipped"),
            ("skipped", "Left untouched"),
        ],
        readonly=True,
        required=True,
    )
    sequence_result = fields.Integer(compute="_compute_sequence_result", store=True)
    reason = fields.Text("Details", readonly=True)

    @api.depends("result")
    def _compute_sequence_result(self):
        # untouched orders first: they are the ones that need someone
        order = {"skipped": 0, "partial": 1, "done": 2}
        for line in self:
            line.sequence_result = order.get(line.result, 3)
