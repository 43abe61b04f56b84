# -*- coding: utf-8 -*-
import logging

from odoo import models

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _generate_and_pay_invoice(self):
        """With the automatic invoice setting, the customer also receives the
        invoice by email and finds it in the portal."""
        invoices_before = self.sale_order_id.invoice_ids
        result = super()._generate_and_pay_invoice()
        invoices = self.sale_order_id.invoice_ids - invoices_before
        invoices.filtered(lambda inv: inv.state in ("open", "paid"))._send_to_customer()
        return result
