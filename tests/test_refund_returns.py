"""Refunds of returns through a payment provider that refunds (the demo
acquirer, Stripe): the integration of soon_returns with the refund engine and
the providers' add-ons. soon_returns depends on none of the providers, so
these tests need every add-on installed (pytest on the test database); the
returns' own refund tests run with a manual refund in soon_returns.

Only accounting managers and sales managers refund: the buttons are theirs,
and the model refuses everybody else whatever the way in. Refunding a
received return credits the returned lines minus the restocking fees."""

import json

from lxml import etree
from odoo.addons.soon_payment_refund_stripe.tests.test_refund_stripe import StripeCase
from odoo.addons.soon_returns.tests.test_refund_fee import RefundFeeCase
from odoo.exceptions import AccessError, UserError

from .refund_common import RefundsCase, RefundsDataMixin


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


class TestReturnRefunds(RefundsDataMixin, RefundFeeCase):
    def setUp(self):
        super().setUp()
        self.order = self._paid_order(
            self.customer.partner_id, [(self.product_a, 3, 50.0), (self.product_b, 1, 80.0)], deliver=True
        )
        self.payment = self._payment(self.order)
        self.reason_changed.write({"restocking_fee_policy": "percent", "restocking_fee_value": 10.0})

    def test_return_refund_credits_the_received_lines_minus_the_fee(self):
        request = self._received_return(
            self.order, [(self.product_a, 2, self.reason_changed), (self.product_b, 1, self.reason_other)]
        )
        wizard = self._wizard(request, self.manager)
        self.assertEqual(wizard.return_request_id, request)
        self.assertEqual((wizard.amount_returned, wizard.amount_restocking_fee), (180.0, 10.0))
        # (100 - 10 + 80) + 10% VAT
        self.assertEqual(wizard.amount, 187.0)
        self.assertFalse(wizard.can_edit_amount)
        self.assertEqual(wizard.action_refund()["type"], "ir.actions.act_window_close")
        self.assertEqual(request.state, "refunded")
        credit_note = request.credit_note_id
        self.assertEqual((credit_note.type, credit_note.state, credit_note.amount_total), ("out_refund", "paid", 187.0))
        self.assertIn(request.name, credit_note.origin)
        fee_line = credit_note.invoice_line_ids.filtered(lambda line: line.price_unit < 0)
        self.assertEqual(fee_line.name, "Restocking fee (10%%): %s" % self.product_a.display_name)
        self.assertEqual((fee_line.quantity, fee_line.price_unit), (1.0, -10.0))
        self.assertEqual(fee_line.invoice_line_tax_ids, self.tax)
        lamp = credit_note.invoice_line_ids.filtered(lambda line: line.product_id == self.product_a)
        self.assertEqual((lamp.quantity, lamp.price_unit), (2.0, 50.0))
        refund = request.refund_transaction_ids
        self.assertEqual((refund.state, refund.amount, refund.refund_invoice_id), ("refunded", -187.0, credit_note))
        self.assertEqual(self.order.payment_status, "partially_refunded")
        self.assertEqual(self.payment.amount_refundable, 66.0)
        # the customer is told on the return, with the credit note and the fee
        email = request.message_ids.filtered(lambda m: "is refunded" in (m.subject or ""))
        self.assertEqual(len(email), 1)
        self.assertIn(self.customer.partner_id, email.partner_ids)
        self.assertIn(credit_note.number, email.body)
        self.assertIn("restocking fee", email.body)
        self.assertTrue(request.message_ids.filtered(lambda m: "by Refund Manager" in (m.body or "")))
        # a return is refunded once
        with self.assertRaisesRegex(UserError, "must be received"):
            self.payment.sudo(self.manager)._refund(return_request=request)

    def test_fee_never_exceeds_the_line_and_credit_note_balances(self):
        self.reason_changed.write({"restocking_fee_policy": "fixed", "restocking_fee_value": 500.0})
        request = self._received_return(
            self.order, [(self.product_a, 1, self.reason_changed), (self.product_b, 1, self.reason_other)]
        )
        refund = self.payment.sudo(self.manager)._refund(return_request=request)
        self.assertEqual(refund.state, "refunded")
        # the lamp is fully kept as fee: only the chair is refunded
        self.assertEqual(request.credit_note_id.amount_total, 88.0)
        self.assertEqual(request.credit_note_id.state, "paid")

    def test_vnd_return_refund_is_in_whole_dong(self):
        self.company.currency_id.rate_ids.unlink()
        vnd = self._currency("VND", 1.0, 25000.0)
        self.reason_changed.write({"restocking_fee_policy": "percent", "restocking_fee_value": 15.0})
        order = self._paid_order(
            self.customer.partner_id, [(self.product_a, 3, 33333.0)], pricelist=self._pricelist(vnd), deliver=True
        )
        request = self._received_return(order, [(self.product_a, 3, self.reason_changed)])
        refund = self._payment(order).sudo(self.manager)._refund(return_request=request)
        # (99999 - 15000) + 10% VAT = 93498.9: 93499 đồng
        self.assertEqual(refund.amount, -93499.0)
        self.assertEqual(request.credit_note_id.amount_total, 93499.0)
        self.assertEqual(request.credit_note_id.currency_id, vnd)
        self.assertEqual(request.credit_note_id.state, "paid")

    def test_return_of_a_refunded_payment_is_refused(self):
        self.payment.sudo(self.manager)._refund(amount=253.0)
        request = self._received_return(self.order, [(self.product_a, 1, self.reason_other)])
        with self.assertRaisesRegex(UserError, "at most .*0.00"):
            self.payment.sudo(self.manager)._refund(return_request=request)
        self.assertEqual(request.state, "received")
        self.assertFalse(request.credit_note_id)

    def test_declined_return_refund_keeps_the_return_received(self):
        self.demo.soon_demo_refund_outcome = "decline"
        request = self._received_return(self.order, [(self.product_a, 1, self.reason_other)])
        wizard = self._wizard(request, self.manager)
        action = wizard.action_refund()
        self.assertEqual(action["res_model"], "payment.refund.wizard")
        self.assertEqual(wizard.error_message, "The demo bank declined the refund.")
        self.assertEqual(request.state, "received")
        self.assertFalse(request.credit_note_id)
        self.assertFalse(self._credit_notes(self.customer.partner_id))
        self.assertFalse(request.message_ids.filtered(lambda m: "is refunded" in (m.subject or "")))
        self.demo.soon_demo_refund_outcome = "success"
        wizard.action_refund()
        self.assertEqual(request.state, "refunded")

    def test_received_quantities_of_delivery_invoiced_products_are_credited(self):
        self.product_a.invoice_policy = "delivery"
        order = self._paid_order(self.customer.partner_id, [(self.product_a, 2, 50.0)], deliver=True)
        invoice = self.env["account.invoice"].browse(order.action_invoice_create())
        invoice.action_invoice_open()
        request = self._received_return(order, [(self.product_a, 1, self.reason_other)])
        self._payment(order).sudo(self.manager)._refund(return_request=request)
        line = order.order_line
        self.assertEqual(request.credit_note_id.refund_invoice_id, invoice)
        self.assertEqual((line.qty_delivered, line.qty_invoiced), (1.0, 1.0))


class TestStripeReturnRefunds(RefundsDataMixin, StripeCase):
    def test_return_paid_by_two_payments_is_refunded_once_when_the_first_attempt_timed_out(self):
        order = self._paid_order(
            self.customer.partner_id,
            [(self.product_a, 2, 50.0), (self.product_b, 1, 80.0)],
            acquirer=self.acquirer,
            deliver=True,
        )
        first = self._payment(order)
        first.write({"amount": 90.0, "acquirer_reference": "ch_First"})
        second = self.env["payment.transaction"].create(
            {
                "acquirer_id": self.acquirer.id,
                "amount": order.amount_total - 90.0,
                "currency_id": first.currency_id.id,
                "reference": order.name + "-2",
                "partner_id": first.partner_id.id,
                "partner_country_id": first.partner_country_id.id,
                "sale_order_id": order.id,
                "state": "done",
                "acquirer_reference": "ch_Second",
            }
        )
        self.stripe.add_charge("ch_First", 9000)
        self.stripe.add_charge("ch_Second", 10800)
        request = self._received_return(order, [(self.product_a, 1, self.reason_other)])
        self._hang(refund_made=True)
        failed = self._refund(payment=first, return_request=request)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        # the other payment cannot refund the return (nor anything) while the attempt is unknown
        for payment, kwargs in ((second, {"return_request": request}), (second, {"amount": 10.0}), (first, {})):
            with self.assertRaisesRegex(UserError, "failed temporarily"):
                self._refund(payment=payment, **kwargs)
        with self.assertRaisesRegex(UserError, "retry it to record that refund"):
            failed.sudo(self.manager).action_abandon_refund()
        # the order's Refund button opens the wizard on that attempt, though another payment has more left
        self.assertEqual(order._get_refundable_transactions()[:1], second)
        wizard = self._wizard(order, self.manager)
        self.assertEqual((wizard.retry_transaction_id, wizard.transaction_id), (failed, first))
        refund = self._refund(payment=first, retry=failed)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(request.state, "refunded")
        self.assertEqual(len(self.stripe.refunds), 1)
        self.assertEqual(self.stripe.refunds[0]["amount"], 5500)
        with self.assertRaisesRegex(UserError, "must be received before it is refunded"):
            self._refund(payment=second, return_request=request)
        self.assertEqual(len(self.stripe.refunds), 1)
