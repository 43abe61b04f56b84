from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    return_window_days = fields.Integer(
        string="Return Window (days)",
        default=30,
        help="Days after delivery during which a product can be returned, "
        "unless its product or category sets another window.",
    )
    return_location_id = fields.Many2one(
        "stock.location",
        string="Return Location",
        domain=[("usage", "=", "internal")],
        help="Where approved returns are received. Empty: the location the goods were delivered from.",
    )
    return_photo_max_mb = fields.Float(
        string="Maximum Photo Size (MB)", default=5.0, help="Largest photo a customer may attach to a return request."
    )
    return_sla_submitted_hours = fields.Float(
        string="Hours to Review a Request",
        default=48.0,
        help="A submitted request not approved or rejected within this delay is late.",
    )
    return_sla_approved_hours = fields.Float(
        string="Hours to Receive the Goods",
        default=336.0,
        help="An approved request whose goods are not received within this delay is late.",
    )
    return_sla_received_hours = fields.Float(
        string="Hours to Refund", default=72.0, help="A received request not refunded within this delay is late."
    )
