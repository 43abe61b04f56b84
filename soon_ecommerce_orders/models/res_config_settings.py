# -*- coding: utf-8 -*-
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .settings_keys import (
    DEFAULT_MAX_AGE_DAYS,
    PARAM_ACTIVATION,
    PARAM_AUTO,
    PARAM_MAX_AGE,
    PARAM_TERMS_REQUIRED,
    PARAM_UNPAID_CANCEL_DAYS,
    PARAM_UNPAID_REMINDER_DAYS,
)

#: setting field -> (ir.config_parameter key, type, default)
PARAMS = {
    "terms_required": (PARAM_TERMS_REQUIRED, bool, False),
    "unpaid_reminder_days": (PARAM_UNPAID_REMINDER_DAYS, int, 0),
    "unpaid_cancel_days": (PARAM_UNPAID_CANCEL_DAYS, int, 0),
    "cart_recovery_auto": (PARAM_AUTO, bool, False),
    "cart_recovery_max_age_days": (PARAM_MAX_AGE, int, DEFAULT_MAX_AGE_DAYS),
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    salesteam_id = fields.Many2one(string="Sales Team")
    terms_required = fields.Boolean(
        "Require Terms & Conditions",
        help="Customers must tick 'I agree to the terms and conditions' before paying. "
        "The order records when, by whom, from which IP address and which version "
        "of the terms was accepted.",
    )
    unpaid_reminder_days = fields.Integer(
        "Payment Reminder After (days)",
        help="Days after checkout after which a customer who chose cash on delivery, pay in "
        "store or wire transfer and has not paid gets one reminder. 0 = never.",
    )
    unpaid_cancel_days = fields.Integer(
        "Cancel Unpaid Quotations After (days)",
        help="Days after checkout after which an unpaid quotation is cancelled. 0 = never.",
    )
    cart_abandoned_delay = fields.Float(
        help="Hours without any change to a cart after which it counts as abandoned (Abandoned Carts "
        "list) and its customer gets the first reminder."
    )
    cart_recovery_auto = fields.Boolean(
        "Automatically send abandoned checkout emails",
        help="Every 15 minutes, email the customers who left products in their cart. Only carts changed "
        "after the feature is switched on are emailed.",
    )
    cart_recovery_activation_date = fields.Datetime(
        "Sending Since",
        readonly=True,
        help="When the automatic emails were switched on: carts abandoned before are never emailed.",
    )
    cart_recovery_max_age_days = fields.Integer(
        "Do Not Remind Carts Older Than (days)",
        default=DEFAULT_MAX_AGE_DAYS,
        help="Carts created more than this number of days ago get no reminder.",
    )
    cart_recovery_step_count = fields.Integer("Follow-up Reminders", readonly=True)

    @api.constrains("unpaid_reminder_days", "unpaid_cancel_days")
    def _check_unpaid_days(self):
        for settings in self:
            if settings.unpaid_reminder_days < 0 or settings.unpaid_cancel_days < 0:
                raise ValidationError(_("The number of days cannot be negative (0 turns the action off)."))
            if (
                settings.unpaid_cancel_days
                and settings.unpaid_reminder_days
                and settings.unpaid_cancel_days <= settings.unpaid_reminder_days
            ):
                raise ValidationError(
                    _(
                        "Unpaid quotations must be cancelled after the payment reminder: "
                        "set more days for the cancellation than for the reminder."
                    )
                )

    @api.constrains(
        "cart_abandoned_delay", "cart_recovery_max_age_days", "cart_recovery_auto", "cart_recovery_mail_template"
    )
    def _check_cart_recovery(self):
        for settings in self:
            if settings.cart_abandoned_delay <= 0:
                raise ValidationError(_("The abandoned cart delay must be a positive number of hours."))
            if settings.cart_recovery_max_age_days < 1:
                raise ValidationError(_("The maximum age of a cart to remind must be at least 1 day."))
            if settings.cart_recovery_max_age_days * 24 <= settings.cart_abandoned_delay:
                raise ValidationError(
                    _(
                        "Carts would be too old to remind before they count as abandoned: "
                        "set a maximum age longer than the abandoned cart delay."
                    )
                )
            if settings.cart_recovery_auto and not settings.cart_recovery_mail_template:
                raise ValidationError(_("Choose the email template of the abandoned checkout emails."))
            # every follow-up (a handful of rows) is checked against the maximum age
            steps = self.env["sale.cart.recovery.step"].sudo().search([])  # pylint: disable=no-search-all
            max_age_hours = settings.cart_recovery_max_age_days * 24
            misplaced = [
                step.name for step in steps if not settings.cart_abandoned_delay < step.delay_hours < max_age_hours
            ]
            if misplaced:
                raise ValidationError(
                    _(
                        "The follow-up reminders must be sent after the first one and before carts get too old: "
                        "change the delay, the maximum age or these reminders: %s"
                    )
                    % ", ".join(misplaced)
                )

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
        # Odoo shows no template until the setting is saved once: show the one the emails use
        res["cart_recovery_mail_template"] = (
            res.get("cart_recovery_mail_template") or self.env["sale.cart.recovery.step"]._first_template().id
        )
        res["cart_recovery_activation_date"] = params.get_param(PARAM_ACTIVATION) or False
        res["cart_recovery_step_count"] = self.env["sale.cart.recovery.step"].sudo().search_count([])
        return res

    @api.multi
    def set_values(self):
        params = self.env["ir.config_parameter"].sudo()
        was_on = bool(params.get_param(PARAM_AUTO))
        res = super().set_values()
        for field_name, (key, cast, _default) in PARAMS.items():
            value = self[field_name]
            params.set_param(key, (value and "1") if cast is bool else str(int(value or 0)))
        if self.cart_recovery_auto and not was_on:
            # only carts changed from now on get the automatic emails: switching the
            # feature on must not email every old cart (odoo/odoo#201179)
            params.set_param(PARAM_ACTIVATION, fields.Datetime.now())
        cron = self.env.ref("soon_ecommerce_orders.ir_cron_cart_recovery", raise_if_not_found=False)
        if cron and cron.sudo().active != bool(self.cart_recovery_auto):
            cron.sudo().active = bool(self.cart_recovery_auto)
        return res

    @api.multi
    def action_open_cart_recovery_template(self):
        self.ensure_one()
        if not self.cart_recovery_mail_template:
            raise UserError(_("Choose the email template of the abandoned checkout emails first."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Abandoned Checkout Email"),
            "res_model": "mail.template",
            "res_id": self.cart_recovery_mail_template.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.multi
    def action_open_cart_recovery_steps(self):
        return self.env.ref("soon_ecommerce_orders.sale_cart_recovery_step_action").read()[0]
