# -*- coding: utf-8 -*-
import logging

from odoo import _, api, models

_logger = logging.getLogger(__name__)


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    @api.multi
    def _send_to_customer(self):
        """Queue the invoice email (PDF attached) to the customer, make them a
        follower so the invoice shows in their portal, and mark it as sent."""
        template = self.env.ref("account.email_template_edi_invoice", raise_if_not_found=False)
        for invoice in self:
            invoice.message_subscribe(partner_ids=invoice.partner_id.commercial_partner_id.ids)
            if not template or not invoice.partner_id.email:
                _logger.info("Invoice %s not emailed: no template or no customer email", invoice.number)
                continue
            template.send_mail(invoice.id)  # queued, PDF attached, customer's language
            invoice.sent = True
            invoice.message_post(body=_("Invoice sent to %s.") % invoice.partner_id.email)
