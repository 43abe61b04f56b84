"""Manual refunds: acquirers that cannot refund (wire transfer, cash on
delivery, pay in store) record a credit note and an outgoing payment."""

from odoo.exceptions import UserError

from .common import RefundsCase


class TestManualRefunds(RefundsCase):
    """Wire transfer, cash on delivery, pay in store: no refund through the
    provider; a manual refund records the credit note and the outgoing
    payment to register."""

    def setUp(self):
        super().setUp()
        self.transfer = self.env.ref("payment.payment_acquirer_transfer")
        self.transfer.journal_id = self.bank_journal
        self.order = self._paid_order(self.customer.partner_id, [(self.product_a, 2, 50.0)], acquirer=self.transfer)
        self.payment = self._payment(self.order)

    def test_transfer_cod_and_pay_in_store_support_no_refund(self):
        acquirers = self.transfer | self.env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        acquirers |= self.env.ref("soon_ecommerce_orders.payment_acquirer_pay_in_store")
        self.assertEqual(set(acquirers.mapped("refund_support")), {"none"})
        with self.assertRaisesRegex(UserError, "(?i)enable a payment provider that supports refunds"):
            self.payment.sudo(self.manager)._refund(amount=110.0)
        self.assertFalse(self.payment.refund_transaction_ids)

    def test_wizard_explains_and_records_a_manual_refund(self):
        wizard = self._wizard(self.order, self.manager)
        self.assertEqual(wizard.refund_support, "none")
        self.assertEqual(wizard.method, "manual")
        self.assertEqual(wizard.journal_id, self.bank_journal)
        self.assertEqual(wizard.amount, 110.0)
        arch = wizard.fields_view_get(view_type="form")["arch"]
        self.assertIn("enable a payment provider that supports refunds", arch)
        wizard.amount = 40.0
        wizard.action_refund()
        refund = self.payment.refund_transaction_ids
        self.assertEqual((refund.state, refund.refund_manual, refund.amount), ("refunding", True, -40.0))
        self.assertEqual(refund.refund_invoice_id.state, "open")
        self.assertEqual(refund.refund_invoice_id.amount_total, 40.0)
        payment = refund.refund_payment_id
        self.assertEqual(
            (payment.state, payment.payment_type, payment.journal_id), ("draft", "outbound", self.bank_journal)
        )
        # the money is not sent yet: still paid, but the amount is reserved
        self.assertEqual(self.order.payment_status, "paid")
        self.assertEqual(self.payment.amount_refundable, 70.0)
        with self.assertRaisesRegex(UserError, "at most .*70.00"):
            self.payment.sudo(self.manager)._refund(amount=80.0, manual=True)
        self.assertTrue(self.order.message_ids.filtered(lambda m: "Confirm the outgoing payment" in (m.body or "")))
        # the accountant registers the payment: the refund is done
        payment.sudo(self.accountant).post()
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(refund.refund_invoice_id.state, "paid")
        self.assertEqual(self.order.payment_status, "partially_refunded")
        email = self.order.message_ids.filtered(lambda m: "refund for your order" in (m.subject or ""))
        self.assertEqual(len(email), 1)
        self.assertIn("40.00", email.body)

    def test_dropping_the_payment_of_a_manual_refund_frees_the_amount(self):
        refund = self.payment.sudo(self.manager)._refund(amount=110.0, manual=True, journal=self.bank_journal)
        refund.refund_payment_id.unlink()
        self.assertEqual(refund.state, "cancel")
        self.assertEqual(self.payment.amount_refundable, 110.0)
        self.assertEqual(self.order.payment_status, "paid")
