"""Only accounting managers and sales managers refund: the buttons are theirs,
and the model refuses everybody else whatever the way in."""

import json

from lxml import etree
from odoo.exceptions import AccessError

from .common import RefundsCase


class TestRefundAccess(RefundsCase):
    def setUp(self):
        super().setUp()
        self.order = self._paid_order(self.customer.partner_id, [(self.product_a, 2, 50.0)], deliver=True)
        self.payment = self._payment(self.order)

    def _buttons(self, model, user, view_xmlid):
        """The "Refund" buttons ``user`` may see (Odoo 11 hides, not removes, the others)."""
        view = self.env.ref(view_xmlid)
        arch = self.env[model].sudo(user).fields_view_get(view_id=view.id, view_type="form")["arch"]
        buttons = etree.fromstring(arch).xpath("//button[@name='action_refund']")
        return [
            button for button in buttons if json.loads(button.get("modifiers") or "{}").get("invisible") is not True
        ]

    def test_salesman_cannot_refund(self):
        with self.assertRaises(AccessError):
            self.order.sudo(self.salesman).action_refund()
        with self.assertRaises(AccessError):
            self.payment.sudo(self.salesman)._refund(amount=10.0)
        with self.assertRaises(AccessError):
            self.env["payment.refund.wizard"].sudo(self.salesman).with_context(default_order_id=self.order.id).create(
                {}
            )
        request = self._received_return(self.order, [(self.product_a, 1, self.reason_other)])
        with self.assertRaises(AccessError):
            request.sudo(self.salesman).action_refund()
        self.assertFalse(self.payment.refund_transaction_ids)
        self.assertEqual(self.order.payment_status, "paid")

    def test_portal_customer_cannot_refund(self):
        with self.assertRaises(AccessError):
            self.payment.sudo(self.customer)._refund(amount=10.0)
        self.assertFalse(self.payment.refund_transaction_ids)

    def test_refund_buttons_are_for_managers_only(self):
        self.assertFalse(self._buttons("sale.order", self.salesman, "sale.view_order_form"))
        self.assertTrue(self._buttons("sale.order", self.manager, "sale.view_order_form"))
        self.assertFalse(self._buttons("return.request", self.salesman, "soon_returns.return_request_view_form"))
        self.assertTrue(self._buttons("return.request", self.manager, "soon_returns.return_request_view_form"))

    def test_sales_manager_refunds_from_the_order(self):
        wizard = self._wizard(self.order, self.manager)
        wizard.action_refund()
        refund = self.payment.refund_transaction_ids
        self.assertEqual((refund.state, refund.refund_user_id), ("refunded", self.manager))
        self.assertEqual(self.order.payment_status, "refunded")

    def test_accounting_manager_refunds_a_return(self):
        request = self._received_return(self.order, [(self.product_a, 1, self.reason_other)])
        refund = self.payment.sudo(self.accountant)._refund(return_request=request.sudo(self.accountant))
        self.assertEqual((refund.state, refund.refund_user_id), ("refunded", self.accountant))
        self.assertEqual(request.state, "refunded")
        note = request.message_ids.filtered(lambda m: "by Refund Accountant" in (m.body or ""))
        self.assertEqual(note.author_id, self.accountant.partner_id)
