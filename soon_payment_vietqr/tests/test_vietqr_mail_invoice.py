# -*- coding: utf-8 -*-
"""The VietQR block in the customer's emails and on the invoice PDF."""

import base64
import subprocess
import tempfile
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import odoo
from lxml import html
from odoo import fields
from odoo.addons.soon_ecommerce_orders.models.settings_keys import PARAM_UNPAID_REMINDER_DAYS

from .common import ACCOUNT, VietQrCase, decode_qr


class TestVietQrMailInvoice(VietQrCase):
    def _mails(self, order, subject=None):
        domain = [("model", "=", "sale.order"), ("res_id", "=", order.id)]
        if subject:
            domain.append(("subject", "ilike", subject))
        return self.env["mail.mail"].search(domain)

    @contextmanager
    def _sent_emails(self):
        """The emails handed to the outgoing mail server (Odoo's notification
        emails are sent at once in tests, then deleted): [(to, html body)]."""
        sent = []
        MailServer = type(self.env["ir.mail_server"])

        def send_email(server, message, *args, **kwargs):
            bodies = [
                part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                for part in message.walk()
                if part.get_content_type() == "text/html"
            ]
            sent.append((message["To"], "".join(bodies)))
            return message["Message-Id"]

        # no SMTP server here: the session is a stand-in, the message is what Odoo would send
        with (
            mock.patch.object(MailServer, "connect", lambda *args, **kwargs: None),
            mock.patch.object(MailServer, "send_email", send_email),
        ):
            yield sent

    def _assert_block(self, body, order):
        tree = html.fromstring(body)
        text = " ".join(tree.text_content().split())
        for expected in ("Vietcombank", ACCOUNT, "CONG TY SOON TEST", order.vietqr_reference):
            self.assertIn(expected, text)
        self.assertRegex(text, r"250[.,]000")
        sources = tree.xpath("//img/@src")
        expected_src = "/shop/vietqr/%d/qr.png?access_token=%s" % (order.id, order.access_token)
        self.assertTrue([src for src in sources if src.startswith("http") and src.endswith(expected_src)], sources)

    def test_order_email_of_a_transfer_order_carries_the_code(self):
        with self._sent_emails() as sent:
            order = self.make_order()
        to_customer = [body for to, body in sent if "binh@example.com" in (to or "")]
        self.assertEqual(len(to_customer), 1, "Odoo's quotation email of the pending transfer: %s" % sent)
        self._assert_block(to_customer[0], order)
        # the chatter's copy too
        self.assertTrue(order.message_ids.filtered(lambda m: order.vietqr_reference in (m.body or "")))

    def test_order_email_without_code_when_none_is_due(self):
        with self._sent_emails() as sent:
            order = self.make_order(pricelist=self.pricelist_usd)
        to_customer = [body for to, body in sent if "binh@example.com" in (to or "")]
        self.assertEqual(len(to_customer), 1)
        self.assertIn(order.name, to_customer[0])
        self.assertNotIn("/shop/vietqr/", to_customer[0])
        self.assertNotIn(order.vietqr_reference, to_customer[0])

    def test_unpaid_reminder_carries_the_code(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_UNPAID_REMINDER_DAYS, "3")
        order = self.make_order()
        order.checkout_date = fields.Datetime.to_string(datetime.utcnow() - timedelta(days=4))
        self.env["sale.order"]._cron_unpaid_orders_ageing()
        reminders = self._mails(order, "waiting for your payment")
        self.assertEqual(len(reminders), 1)
        self._assert_block(reminders.body_html, order)

    def test_email_block_in_the_customers_language(self):
        if not self.env["res.lang"].search([("code", "=", "vi_VN")]):
            self.env["base.language.install"].create({"lang": "vi_VN"}).lang_install()
        self.customer.lang = "vi_VN"
        with self._sent_emails() as sent:
            order = self.make_order()
        body = "".join(body for to, body in sent if "binh@example.com" in (to or ""))
        self.assertIn(order.vietqr_reference, body)
        self.assertIn("Thanh toán chuyển khoản bằng VietQR", body)
        self.assertNotIn("Pay by bank transfer with VietQR", body)

    def _invoice(self, order):
        order.action_confirm()
        invoice = self.env["account.invoice"].browse(order.action_invoice_create())
        invoice.action_invoice_open()
        self.assertEqual(invoice.state, "open")
        return invoice

    def test_invoice_shows_the_code_for_the_amount_due(self):
        order = self.make_order()
        invoice = self._invoice(order)
        report = self.env.ref("account.account_invoices")
        page = html.fromstring(report.render_qweb_html(invoice.ids)[0])
        images = page.xpath("//img[contains(@class, 'o_vietqr_image')]/@src")
        self.assertEqual(len(images), 1)
        self.assertTrue(images[0].startswith("data:image/png;base64,"))
        self.assertPayloadOf(decode_qr(base64.b64decode(images[0].split(",", 1)[1])), order)
        self.assertIn(order.vietqr_reference, page.text_content())

    def test_invoice_pdf_prints_the_details(self):
        order = self.make_order()
        invoice = self._invoice(order)
        # Odoo 11 returns HTML instead of a PDF while tests run; a report directory makes it call wkhtmltopdf
        with mock.patch.dict(odoo.tools.config.options, {"test_report_directory": tempfile.gettempdir()}):
            pdf = self.env.ref("account.account_invoices").render_qweb_pdf(invoice.ids)[0]
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, check=True).stdout.decode()
        self.assertIn(order.vietqr_reference, text)
        self.assertIn(ACCOUNT, text)

    def test_invoice_without_code_in_another_currency(self):
        order = self.make_order(pricelist=self.pricelist_usd)
        invoice = self._invoice(order)
        page = self.env.ref("account.account_invoices").render_qweb_html(invoice.ids)[0]
        self.assertNotIn(b"o_vietqr_details", page)
