# -*- coding: utf-8 -*-
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: setting field -> (ir.config_parameter key, type, default)
PARAMS = {
    "terms_required": ("soon_ecommerce_orders.terms_required", bool, False),
    "unpaid_reminder_days": ("soon_ecommerce_orders.unpaid_reminder_days", int, 0),
    "unpaid_cancel_days": ("soon_ecommerce_orders.unpaid_cancel_days", int, 0),
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    salesteam_id = fields.Many2one(string="Sales Team")
    terms_required = fields.Boolean(
        "Require Terms & Conditions",
        help="Customers must tick 'I agree to the terms and conditions' before paying. "
             "The order records when, by whom, from which IP address and which version "
             "of the terms was accepted.")
    unpaid_reminder_days = fields.Integer(
        "Payment Reminder After (days)",
        help="Days after checkout after which a customer who chose cash on delivery, pay in "
             "store or wire transfer and has not paid gets one reminder. 0 = never.")
    unpaid_cancel_days = fields.Integer(
        "Cancel Unpaid Quotations After (days)",
        help="Days after checkout after which an unpaid quotation is cancelled. 0 = never.")

    @api.constrains("unpaid_reminder_days", "unpaid_cancel_days")
    def _check_unpaid_days(self):
        for settings in self:
            if settings.unpaid_reminder_days < 0 or settings.unpaid_cancel_days < 0:
                raise ValidationError(_("The number of days cannot be negative (0 turns the action off)."))
            if settings.unpaid_cancel_days and settings.unpaid_reminder_days \
                    and settings.unpaid_cancel_days <= settings.unpaid_reminder_days:
                raise ValidationError(_("Unpaid quotations must be cancelled after the payment reminder: "
                                        "set more days for the cancellation than for the reminder."))

    @api.model
    def get_values(self):
        res = super().get_values()
        params = self.env["ir.config_parameter"].sudo()
        for field_name, (key, cast, default) in PARAMS.items():
            value = params.get_param(key, default)
            try:
                res[field_name] = cast(value) if value not in (False, None, "") else default
            except ValueError:
                res[field_name] = default
        return res

    @api.multi
    def set_values(self):
        super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for field_name, (key, cast, _default) in PARAMS.items():
            value = self[field_name]
            params.set_param(key, (value and "1") if cast is bool else str(int(value or 0)))
