# -*- coding: utf-8 -*-
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.http import request


class Website(models.Model):
    _inherit = "website"

    salesperson_id = fields.Many2one(domain=[("share", "=", False)])

    @api.constrains("salesperson_id")
    def _check_salesperson_id(self):
        for website in self:
            if website.salesperson_id and website.salesperson_id.share:
                raise ValidationError(
                    _("The salesperson of website orders must be an internal user, not a portal or public user.")
                )

    @api.model
    def _is_valid_salesperson(self, user):
        """Public users, portal users and archived users never sell."""
        user = user.sudo()
        return bool(user and user.exists() and user.active and not user.share)

    @api.multi
    def _sale_assignment_values(self, partner, affiliate=None):
        """Sales team and salesperson of a website order of ``partner``.

        Team: the website's, else the customer's (or their company's).
        Salesperson: a valid affiliate, else the website's, else the customer's
        (or their company's); never the public user, a portal user, an archived
        user, nor the current user by default.
        """
        self.ensure_one()
        partner = partner.sudo()
        team = self.salesteam_id or partner.parent_id.team_id or partner.team_id
        candidates = [affiliate, self.salesperson_id, partner.user_id, partner.parent_id.user_id]
        user = next((u for u in candidates if u and self._is_valid_salesperson(u)), self.env["res.users"])
        return {"team_id": team.id, "user_id": user.id}

    @api.multi
    def _prepare_sale_order_values(self, partner, pricelist):
        values = super()._prepare_sale_order_values(partner, pricelist)
        affiliate_id = request.session.get("affiliate_id") if request else None
        affiliate = self.env["res.users"].browse(affiliate_id) if isinstance(affiliate_id, int) else None
        values.update(self._sale_assignment_values(partner, affiliate=affiliate))
        values.update(website_order=True, cart_last_activity=fields.Datetime.now())
        return values
