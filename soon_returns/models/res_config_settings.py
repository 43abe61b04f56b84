from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    return_window_days = fields.Integer(related="company_id.return_window_days", readonly=False)
    return_location_id = fields.Many2one(related="company_id.return_location_id", readonly=False)
    return_photo_max_mb = fields.Float(related="company_id.return_photo_max_mb", readonly=False)
    return_sla_submitted_hours = fields.Float(related="company_id.return_sla_submitted_hours", readonly=False)
    return_sla_approved_hours = fields.Float(related="company_id.return_sla_approved_hours", readonly=False)
    return_sla_received_hours = fields.Float(related="company_id.return_sla_received_hours", readonly=False)
