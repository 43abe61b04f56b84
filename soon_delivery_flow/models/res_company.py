# -*- coding: utf-8 -*-
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    shipped_email_enabled = fields.Boolean(
        "Email Confirmation When the Delivery Is Done",
        help="When a delivery order to a customer becomes done, the customer "
        "receives the chosen email once (queued, in their language).",
    )
    shipped_email_template_id = fields.Many2one(
        "mail.template",
        domain=[("model", "=", "stock.picking")],
        default=lambda self: self._default_shipped_email_template(),
        help="Email sent to the customer when a delivery order is done.",
    )

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    @api.model
    def _default_shipped_email_template(self):
        return self.env.ref("soon_delivery_flow.mail_template_delivery_shipped", raise_if_not_found=False)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("shipped_email_enabled", "shipped_email_template_id")
    def _check_shipped_email_template(self):
        for company in self:
            if company.shipped_email_enabled and not company.shipped_email_template_id:
                raise ValidationError(
                    _(
                        "Choose the email template to send when a delivery is done, "
                        "or switch off the delivery email confirmation."
                    )
                )
            template = company.shipped_email_template_id
            if template and template.model != "stock.picking":
                raise ValidationError(
                    _(
                        "The delivery email template must be a template for transfers "
                        '(stock.picking); "%(template)s" is for %(model)s.'
                    )
                    % {"template": template.name, "model": template.model}
                )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _set_default_shipped_email_template(self):
        """Called once at install (data file): give every company the shipped
        template, which did not exist yet when the column was created."""
        template = self._default_shipped_email_template()
        if template:
            self.search([("shipped_email_template_id", "=", False)]).write({"shipped_email_template_id": template.id})
