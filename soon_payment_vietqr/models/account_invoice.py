# -*- coding: utf-8 -*-
from odoo import models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    def _vietqr_display_values(self):
        """The VietQR block of the invoice PDF: an open customer invoice in VND
        of one web order paid by a wire transfer with a VietQR account, for
        the amount still due; {} otherwise."""
        self.ensure_one()
        invoice = self.sudo()
        if invoice.type != "out_invoice" or invoice.state != "open" or invoice.currency_id.name != "VND":
            return {}
        orders = invoice.invoice_line_ids.mapped("sale_line_ids.order_id")
        if len(orders) != 1:
            return {}
        return orders._vietqr_values(amount=invoice.residual, embed_image=True)
