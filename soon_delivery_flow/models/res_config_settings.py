# -*- coding: utf-8 -*-
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    shipped_email_enabled = fields.Boolean(
        related="company_id.shipped_email_enabled", string="Email Confirmation When the Delivery Is Done"
    )
    shipped_email_template_id = fields.Many2one(
        related="company_id.shipped_email_template_id", string="Shipped Email Template"
    )
