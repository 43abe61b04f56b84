# -*- coding: utf-8 -*-
"""The sequence of abandoned-cart reminders.

Reminder 1 is Odoo 11's own setting (``website_sale.cart_abandoned_delay`` and
``website_sale.cart_recovery_mail_template_id``, used by the manual composer
too); the records of this model are the optional follow-ups (2, 3...), each
with its own delay and template.  Every delay counts from the customer's last
change to the cart.
"""

from ast import literal_eval
from collections import namedtuple

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .settings_keys import DEFAULT_MAX_AGE_DAYS, PARAM_ACTIVATION, PARAM_AUTO, PARAM_MAX_AGE, PARAM_TEMPLATE

#: one reminder of the sequence: ``number`` 1 is the first reminder
Step = namedtuple("Step", "number delay_hours previous_delay_hours template")
#: what the scheduled job needs to know, read once per run
RecoveryConfig = namedtuple("RecoveryConfig", "enabled activation_date max_age_days steps")


class CartRecoveryStep(models.Model):
    _name = "sale.cart.recovery.step"
    _description = "Abandoned Cart Follow-up Reminder"
    _order = "delay_hours, id"

    name = fields.Char("Reminder", compute="_compute_name")
    delay_hours = fields.Float(
        "Send After (hours)",
        required=True,
        default=24.0,
        help="Hours without any change to the cart before this reminder is sent, counted from the "
        "customer's last change to the cart, like the first reminder.",
    )
    template_id = fields.Many2one(
        "mail.template",
        "Email Template",
        required=True,
        ondelete="restrict",
        domain=[("model", "=", "sale.order")],
        default=lambda self: self._default_template_id(),
    )
    active = fields.Boolean(default=True)

    # ---------------------------------------------------------------- defaults
    @api.model
    def _default_template_id(self):
        return self.env.ref("soon_ecommerce_orders.mail_template_cart_recovery", raise_if_not_found=False)

    # ---------------------------------------------------------------- computes
    @api.depends("delay_hours")
    def _compute_name(self):
        for step in self:
            step.name = _("Reminder after %s hours") % ("%g" % step.delay_hours)

    # ------------------------------------------------------------- constraints
    @api.constrains("delay_hours", "active")
    def _check_delay_hours(self):
        first_delay = self.env["sale.order"]._abandoned_cart_delay()
        max_age_hours = self._max_age_days() * 24
        for step in self.filtered("active"):
            if step.delay_hours <= first_delay:
                raise ValidationError(
                    _(
                        "A follow-up reminder must wait longer than the first one: set more than %s hours "
                        "(the abandoned cart delay of the website settings)."
                    )
                    % ("%g" % first_delay)
                )
            if step.delay_hours >= max_age_hours:
                raise ValidationError(
                    _(
                        "A follow-up reminder must be sent before carts get too old to be reminded: set fewer "
                        "than %s hours (the maximum cart age of the website settings)."
                    )
                    % ("%g" % max_age_hours)
                )
            if self.search_count([("id", "!=", step.id), ("delay_hours", "=", step.delay_hours)]):
                raise ValidationError(_("There is already a reminder after %s hours.") % ("%g" % step.delay_hours))

    @api.constrains("template_id")
    def _check_template_id(self):
        for step in self:
            if step.template_id.model != "sale.order":
                raise ValidationError(_("The email template of a cart reminder must be a template of sales orders."))

    # ---------------------------------------------------------- configuration
    @api.model
    def _max_age_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_MAX_AGE, DEFAULT_MAX_AGE_DAYS)
        try:
            return max(int(value), 1)
        except (TypeError, ValueError):
            return DEFAULT_MAX_AGE_DAYS

    @api.model
    def _configured_template(self):
        """Odoo 11's cart recovery template setting (an empty recordset if unset)."""
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_TEMPLATE, "False")
        try:
            template_id = literal_eval(value or "False")
        except (ValueError, SyntaxError):
            template_id = False
        if not isinstance(template_id, int) or isinstance(template_id, bool):
            return self.env["mail.template"]
        return self.env["mail.template"].sudo().browse(template_id).exists()

    @api.model
    def _first_template(self):
        """The template of the first reminder: the setting, else this add-on's."""
        return (
            self._configured_template()
            or self._default_template_id()
            or self.env.ref("website_sale.mail_template_sale_cart_recovery", raise_if_not_found=False)
        )

    @api.model
    def _install_default_template(self):
        """Make this add-on's template the cart recovery template, unless the
        shop already chose another one than Odoo's default."""
        ours = self._default_template_id()
        odoo_default = self.env.ref("website_sale.mail_template_sale_cart_recovery", raise_if_not_found=False)
        current = self._configured_template()
        if ours and (not current or current == odoo_default):
            self.env["ir.config_parameter"].sudo().set_param(PARAM_TEMPLATE, str(ours.id))

    @api.model
    def _reminder_sequence(self):
        """The reminders in the order they are sent: reminder 1 from the website
        settings, then the active follow-ups by increasing delay."""
        steps = [Step(1, self.env["sale.order"]._abandoned_cart_delay(), 0.0, self._first_template())]
        # every follow-up: a handful of rows a shop configures
        for record in self.sudo().search([]):  # pylint: disable=no-search-all
            if record.delay_hours > steps[-1].delay_hours:  # the constraints make this always true
                steps.append(Step(len(steps) + 1, record.delay_hours, steps[-1].delay_hours, record.template_id))
        return steps

    @api.model
    def _recovery_config(self):
        params = self.env["ir.config_parameter"].sudo()
        return RecoveryConfig(
            enabled=bool(params.get_param(PARAM_AUTO)),
            activation_date=params.get_param(PARAM_ACTIVATION) or False,
            max_age_days=self._max_age_days(),
            steps=self._reminder_sequence(),
        )
