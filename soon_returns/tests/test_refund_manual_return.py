"""A received return refunded with a manual refund (the order was paid by
wire transfer, which refunds nothing): the refund engine credits the
returned lines minus the restocking fees; the return is refunded, and its
customer told, once the outgoing payment is registered."""

from odoo.exceptions import AccessError, UserError

from .common import RefundsCase


class TestManualReturnRefund(RefundsCase):
    def setUp(self):
        super().setUp()
        self.order = self._paid_order(
            self.customer.partner_id, [(self.product_a, 3, 50.0), (self.product_b, 1, 80.0)], deliver=True
        )
        self.payment = self._payment(self.order)
        self.reason_changed.write({"restocking_fee_policy": "percent", "restocking_fee_value": 10.0})

    def _refund_emails(self, request):
        return request.message_ids.filtered(lambda m: "is refunded" in (m.subject or ""))

    def test_received_return_is_refunded_when_the_outgoing_payment_is_registered(self):
        self.assertEqual(self.payment.acquirer_id.refund_support, "none")
        request = self._received_return(
            self.order, [(self.product_a, 2, self.reason_changed), (self.product_b, 1, self.reason_other)]
        )
        wizard = self._wizard(request, self.manager)
        self.assertEqual((wizard.return_request_id, wizard.method), (request, "manual"))
        self.assertEqual((wizard.amount_returned, wizard.amount_restocking_fee), (180.0, 10.0))
        # (100 - 10 + 80) + 10% VAT
        self.assertEqual(wizard.amount, 187.0)
        self.assertFalse(wizard.can_edit_amount)
        wizard.journal_id = self.bank_journal
        self.assertEqual(wizard.action_refund()["type"], "ir.actions.act_window_close")
        refund = request.refund_transaction_ids
        self.assertEqual((refund.state, refund.refund_manual, refund.amount), ("refunding", True, -187.0))
        self.assertEqual(refund.refund_return_request_id, request)
        credit_note = refund.refund_invoice_id
        self.assertEqual((credit_note.type, credit_note.state, credit_note.amount_total), ("out_refund", "open", 187.0))
        self.assertIn(request.name, credit_note.origin)
        fee_line = credit_note.invoice_line_ids.filtered(lambda line: line.price_unit < 0)
        self.assertEqual((fee_line.quantity, fee_line.price_unit), (1.0, -10.0))
        # not refunded before the money is sent
        self.assertEqual(request.state, "received")
        self.assertFalse(self._refund_emails(request))
        self.assertTrue(request.message_ids.filtered(lambda m: "recorded by Refund Manager" in (m.body or "")))
        # a return is refunded once, even while its manual refund waits
        with self.assertRaisesRegex(UserError, "already refunded or being refunded"):
            self.payment.sudo(self.manager)._refund(return_request=request, manual=True)
        refund.refund_payment_id.post()
        self.assertEqual(refund.state, "refunded")
        self.assertEqual((request.state, request.credit_note_id), ("refunded", credit_note))
        self.assertEqual(credit_note.state, "paid")
        email = self._refund_emails(request)
        self.assertEqual(len(email), 1)
        self.assertIn(self.customer.partner_id, email.partner_ids)
        self.assertIn(credit_note.number, email.body)
        # the return's email, not the order's generic "refund sent" one
        self.assertFalse(
            self.order.message_ids.filtered(lambda m: "refund for your order" in (m.subject or "")),
        )
        self.assertEqual(self.order.payment_status, "partially_refunded")

    def test_the_refund_guard_covers_the_link_to_the_return(self):
        request = self._received_return(self.order, [(self.product_a, 1, self.reason_other)])
        refund = self.payment.sudo(self.manager)._refund(return_request=request, manual=True)
        other = self._received_return(self.order, [(self.product_b, 1, self.reason_other)])
        with self.assertRaisesRegex(AccessError, "cannot set Return Request yourself"):
            refund.sudo(self.salesman).write({"refund_return_request_id": other.id})
        self.assertEqual(refund.refund_return_request_id, request)
