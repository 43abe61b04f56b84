# -*- coding: utf-8 -*-
from odoo import api, models


# extends mail's composer (a wizard of another add-on); this add-on has no wizard of its own
class MailComposeMessage(models.TransientModel):  # pylint: disable=no-wizard-in-models
    _inherit = "mail.compose.message"

    @api.multi
    def send_mail(self, auto_commit=False):
        """The recovery email sent by hand from a cart (Odoo 11's "Send a
        Recovery Email") counts as the cart's next reminder: the automatic
        sequence goes on from there and never sends the same reminder again."""
        carts_by_wizard = self._cart_recovery_carts()
        if not carts_by_wizard:
            return super().send_mail(auto_commit=auto_commit)
        carts = self.env["sale.order"].browse()
        for wizard_carts in carts_by_wizard.values():
            carts |= wizard_carts
        # lock before anything is sent: the reminder job cannot claim these carts
        # meanwhile, and a conflict aborts here, before an email leaves
        carts.sudo()._lock_for_update()
        self.env.cr.execute("SELECT COALESCE(max(id), 0) FROM mail_message")
        since_message_id = self.env.cr.fetchone()[0]
        result = super().send_mail(auto_commit=auto_commit)
        for wizard, wizard_carts in carts_by_wizard.items():
            wizard_carts._cart_recovery_record_manual(wizard.template_id, since_message_id)
        return result

    def _cart_recovery_carts(self):
        """{wizard: website carts it sends to} when sending recovery emails."""
        if not self.env.context.get("website_sale_send_recovery_email"):
            return {}
        result = {}
        for wizard in self.filtered(lambda w: w.model == "sale.order"):
            if wizard.composition_mode in ("mass_mail", "mass_post") and self.env.context.get("active_ids"):
                res_ids = self.env.context["active_ids"]
            else:
                res_ids = [wizard.res_id]
            carts = (
                self.env["sale.order"]
                .sudo()
                .browse(res_ids)
                .exists()
                .filtered(lambda order: order.website_order and order.state == "draft")
            )
            if carts:
                result[wizard] = carts
        return result
