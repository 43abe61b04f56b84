# -*- coding: utf-8 -*-
"""Invoices & legal: automatic invoice emailed and in the portal, tax IDs on the invoice."""

from soon_testing.common import make_portal_user

from ..models.settings_keys import PARAM_AUTOMATIC_INVOICE
from .common import EcommerceOrdersCase


class TestInvoices(EcommerceOrdersCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.company.vat = "0312345678"
        cls.customer.vat = "0109876543"
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.transfer.journal_id = cls.bank_journal

    def paid_order(self):
        order = self.make_order()
        tx = self.make_tx(order, acquirer=self.transfer, state="done")
        return order, tx

    def test_automatic_invoice_is_emailed_and_in_portal(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_AUTOMATIC_INVOICE, "True")
        order, tx = self.paid_order()
        tx._confirm_so()
        self.assertEqual(order.state, "sale")
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "paid")
        self.assertTrue(invoice.sent)
        self.assertIn(self.customer, invoice.message_partner_ids, "the customer follows it: portal access")
        mails = self.env["mail.mail"].search([("model", "=", "account.invoice"), ("res_id", "=", invoice.id)])
        self.assertEqual(len(mails), 1)
        self.assertIn(self.customer, mails.recipient_ids)
        # the invoice report is attached (Odoo 11 renders it as HTML when tests are enabled)
        self.assertEqual(len(mails.attachment_ids), 1)
        self.assertIn(invoice.number.replace("/", "_"), mails.attachment_ids.name)
        # the customer's portal lists it
        portal_user = make_portal_user(self.env, "Portal An", "soon_portal_an", partner_id=self.customer.id)
        visible = self.env["account.invoice"].sudo(portal_user).search([("id", "=", invoice.id)])
        self.assertEqual(visible, invoice)

    def test_no_invoice_email_without_the_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_AUTOMATIC_INVOICE, False)
        order, tx = self.paid_order()
        tx._confirm_so()
        self.assertFalse(order.invoice_ids)
        self.assertFalse(
            self.env["mail.mail"]
            .search([("model", "=", "account.invoice")])
            .filtered(lambda m: self.customer in m.recipient_ids)
        )

    def test_invoice_shows_both_tax_ids(self):
        order, _tx = self.paid_order()
        order.action_confirm()
        invoice = self.env["account.invoice"].browse(order.action_invoice_create())
        invoice.action_invoice_open()
        html = self.env.ref("account.account_invoices").render_qweb_html(invoice.ids)[0].decode()
        self.assertIn("0312345678", html)
        self.assertIn("0109876543", html)
        self.assertIn("o_soon_seller_vat", html)
        # a delivery contact of the customer company still prints the company's tax ID
        contact = self.env["res.partner"].create(
            {"name": "An's accountant", "parent_id": self.customer.id, "type": "invoice"}
        )
        invoice2 = invoice.copy({"partner_id": contact.id})
        html2 = self.env.ref("account.account_invoices").render_qweb_html(invoice2.ids)[0].decode()
        self.assertIn("0109876543", html2)
