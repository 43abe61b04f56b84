# -*- coding: utf-8 -*-
import base64
import uuid

from odoo import api, fields, models
from odoo.addons.soon_ecommerce_orders.models.sale_order import UNPAID_STATUSES
from odoo.tools import float_compare, formatLang

from .. import vietqr


class SaleOrder(models.Model):
    _inherit = "sale.order"

    vietqr_reference = fields.Char(
        "Transfer Reference",
        compute="_compute_vietqr_reference",
        store=True,
        index=True,
        copy=False,
        help="What the customer writes as the transfer message: the order number's letters and digits "
        "in upper case, then a check character. It survives banks removing spaces and symbols, "
        "changing the case or adding their own text.",
    )

    @api.depends("name")
    def _compute_vietqr_reference(self):
        for order in self:
            order.vietqr_reference = vietqr.make_reference(order.name) if order.name else False

    # ------------------------------------------------------------ VietQR
    def _vietqr_is_due(self):
        """Whether the customer still has to pay this order: not cancelled, no
        payment received, no invoice paid."""
        self.ensure_one()
        order = self.sudo()
        if order.state not in ("draft", "sent", "sale") or order.payment_status not in UNPAID_STATUSES:
            return False
        invoices = order.invoice_ids.filtered(lambda invoice: invoice.type == "out_invoice")
        return not (
            invoices.filtered(lambda i: i.state == "paid") and not invoices.filtered(lambda i: i.state == "open")
        )

    def _vietqr_image_url(self, absolute=False):
        """Where the code's image is served: the order's own route, opened by its
        access token (the customer's links, emails)."""
        self.ensure_one()
        order = self.sudo()
        if not order.access_token:
            order.access_token = str(uuid.uuid4())
        url = "/shop/vietqr/%d/qr.png?access_token=%s" % (order.id, order.access_token)
        if absolute:
            url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/") + url
        return url

    def _vietqr_values(self, amount=None, embed_image=False, absolute=False):
        """What a VietQR block shows for this order: the bank details, the
        amount, the reference, the payload and the image (a URL, or the PNG
        itself as a data URI for PDF reports).  Empty when the order is not
        paid by a wire transfer with a VietQR account, or not in whole VND."""
        self.ensure_one()
        order = self.sudo()
        acquirer = order.payment_tx_id.acquirer_id
        if not acquirer or not acquirer._vietqr_is_configured():
            return {}
        currency = order.currency_id
        if currency.name != "VND" or not order.vietqr_reference:
            return {}
        amount = order.amount_total if amount is None else amount
        whole = int(round(amount))
        if whole <= 0 or float_compare(amount, whole, precision_digits=2):
            return {}
        payload = acquirer._vietqr_payload(whole, order.vietqr_reference)
        if embed_image:
            image = "data:image/png;base64," + base64.b64encode(vietqr.qr_png(payload)).decode("ascii")
        else:
            image = order._vietqr_image_url(absolute=absolute)
        return {
            "order": order,
            "bank": acquirer.vietqr_bank_id.name,
            "bank_bin": acquirer.vietqr_bank_id.napas_bin,
            "account": acquirer.vietqr_account_number,
            "holder": acquirer.vietqr_account_holder or "",
            "amount": whole,
            "amount_text": formatLang(self.env, whole, currency_obj=currency),
            "reference": order.vietqr_reference,
            "payload": payload,
            "image": image,
        }

    def _vietqr_display_values(self, **options):
        """The VietQR block's values while the order is unpaid, else {}."""
        self.ensure_one()
        return self._vietqr_values(**options) if self._vietqr_is_due() else {}

    def _vietqr_mail_html(self):
        """The VietQR block of an email about this order (absolute image URL,
        inline styles), in the context's language; "" when none is due."""
        self.ensure_one()
        values = self._vietqr_display_values(absolute=True)
        if not values:
            return ""
        html = self.env["ir.qweb"].render("soon_payment_vietqr.vietqr_mail_details", {"vietqr": values})
        return html.decode("utf-8") if isinstance(html, bytes) else html
