"""Refunds from the order through the demo acquirer: full, partial, bounded by
what is left, provider failures that change nothing, retries with the same
idempotency key (manual refunds: soon_payment_refund's test_refund_manual)."""

from odoo.exceptions import UserError, ValidationError

from .common import RefundsCase


class TestDemoRefunds(RefundsCase):
    def setUp(self):
        super().setUp()
        self.order = self._paid_order(self.customer.partner_id, [(self.product_a, 3, 50.0), (self.product_b, 1, 80.0)])
        self.payment = self._payment(self.order)
        self.partner = self.customer.partner_id

    def _refund(self, amount, user=None, **kwargs):
        return self.payment.sudo(user or self.manager)._refund(amount=amount, **kwargs)

    def _order_messages(self, needle):
        return self.order.message_ids.filtered(lambda m: needle in (m.subject or "") or needle in (m.body or ""))

    # ------------------------------------------------------------------
    # full and partial refunds
    # ------------------------------------------------------------------
    def test_order_is_paid_through_the_demo_acquirer(self):
        self.assertEqual(self.order.amount_total, 253.0)
        self.assertEqual(self.payment.amount, 253.0)
        self.assertEqual(self.order.payment_status, "paid")
        self.assertEqual(self.payment.amount_refundable, 253.0)
        self.assertEqual(self.demo.refund_support, "full_and_partial")

    def test_full_refund(self):
        refund = self._refund(253.0)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual((refund.operation, refund.amount), ("refund", -253.0))
        self.assertEqual(refund.source_transaction_id, self.payment)
        self.assertEqual(refund.sale_order_id, self.order)
        self.assertEqual(refund.reference, "%s-R1" % self.payment.reference)
        self.assertTrue(refund.refund_idempotency_key.endswith(refund.reference))
        self.assertEqual(refund.refund_user_id, self.manager)
        self.assertEqual(refund.acquirer_reference, "demo_re_%s" % refund.reference)
        # the credit note: validated, the order's lines, paid by the outgoing payment
        credit_note = refund.refund_invoice_id
        self.assertEqual(self._credit_notes(self.partner), credit_note)
        self.assertEqual((credit_note.type, credit_note.state), ("out_refund", "paid"))
        self.assertEqual(credit_note.amount_total, 253.0)
        self.assertEqual(credit_note.amount_tax, 23.0)
        self.assertEqual(
            sorted((line.product_id, line.quantity, line.price_unit) for line in credit_note.invoice_line_ids),
            sorted([(self.product_a, 3.0, 50.0), (self.product_b, 1.0, 80.0)]),
        )
        self.assertIn(self.order.name, credit_note.origin)
        self.assertIn(self.partner.commercial_partner_id, credit_note.message_partner_ids)
        payment = refund.refund_payment_id
        self.assertEqual(
            (payment.payment_type, payment.partner_type, payment.state), ("outbound", "customer", "posted")
        )
        self.assertEqual(payment.journal_id, self.demo.journal_id)
        self.assertEqual(payment.amount, 253.0)
        self.assertEqual(payment.invoice_ids, credit_note)
        self.assertEqual(credit_note.residual, 0.0)
        # the order and the payment
        self.assertEqual(self.order.payment_status, "refunded")
        self.assertEqual(self.order.refund_count, 1)
        self.assertEqual((self.payment.amount_refunded, self.payment.amount_refundable), (253.0, 0.0))
        self.assertEqual(self.payment.state, "done")

    def test_refund_is_logged_and_emailed(self):
        refund = self._refund(253.0)
        note = self._order_messages("by Refund Manager")
        self.assertEqual(len(note), 1)
        self.assertIn(refund.reference, note.body)
        self.assertIn(refund.refund_invoice_id.number, note.body)
        self.assertEqual(note.author_id, self.manager.partner_id)
        email = self._order_messages("refund for your order")
        self.assertEqual(len(email), 1)
        self.assertEqual(email.subject, "%s - refund for your order %s" % (self.company.name, self.order.name))
        self.assertIn(self.partner, email.partner_ids)
        self.assertIn("253.00", email.body)
        self.assertIn(refund.refund_invoice_id.number, email.body)
        notification = email.notification_ids.filtered(lambda n: n.res_partner_id == self.partner)
        self.assertTrue(notification.is_email)

    def test_partial_refunds_until_everything_is_refunded(self):
        first = self._refund(100.0)
        self.assertEqual(first.state, "refunded")
        self.assertEqual(self.order.payment_status, "partially_refunded")
        self.assertEqual(first.refund_invoice_id.amount_total, 100.0)
        self.assertEqual(self.payment.amount_refundable, 153.0)
        # the credit note of a part: the order's lines at a scaled price, exactly the amount
        self.assertFalse(first.refund_invoice_id.invoice_line_ids.mapped("sale_line_ids"))
        self.assertEqual(self.order.order_line.mapped("qty_invoiced"), [0.0, 0.0])
        second = self._refund(153.0)
        self.assertEqual(second.reference, "%s-R2" % self.payment.reference)
        self.assertNotEqual(second.refund_idempotency_key, first.refund_idempotency_key)
        self.assertEqual(self.order.payment_status, "refunded")
        self.assertEqual(self.payment.amount_refunded, 253.0)
        with self.assertRaisesRegex(UserError, "at most .*0.00"):
            self._refund(1.0)

    def test_refund_above_refundable_is_refused_and_creates_nothing(self):
        with self.assertRaisesRegex(UserError, "You can refund at most .*253.00"):
            self._refund(253.01)
        self._refund(200.0)
        with self.assertRaisesRegex(UserError, "You can refund at most .*53.00.*You asked for .*60.00"):
            self._refund(60.0)
        with self.assertRaisesRegex(UserError, "above zero"):
            self._refund(0.0)
        self.assertEqual(len(self.payment.refund_transaction_ids), 1)
        self.assertEqual(len(self._credit_notes(self.partner)), 1)
        self.assertEqual(self.payment.amount_refundable, 53.0)

    def test_a_refund_cannot_be_refunded_and_an_unpaid_transaction_neither(self):
        refund = self._refund(50.0)
        with self.assertRaisesRegex(UserError, "is a refund"):
            refund.sudo(self.manager)._refund(amount=10.0)
        self.payment.state = "pending"
        with self.assertRaisesRegex(UserError, "Only captured payments"):
            self._refund(10.0)

    def test_full_only_acquirer_refuses_parts(self):
        self.demo.refund_support = "full_only"
        with self.assertRaisesRegex(UserError, "only refunds whole payments"):
            self._refund(100.0)
        self.assertFalse(self.payment.refund_transaction_ids)
        refund = self._refund(253.0)
        self.assertEqual(refund.state, "refunded")

    def test_refund_support_cannot_exceed_the_provider(self):
        transfer = self.env.ref("payment.payment_acquirer_transfer")
        self.assertEqual(transfer.refund_support_max, "none")
        with self.assertRaises(ValidationError):
            transfer.refund_support = "full_only"
        stripe = self.env["payment.acquirer"].create(
            {"name": "Stripe (tests)", "provider": "stripe", "stripe_secret_key": "sk", "stripe_publishable_key": "pk"}
        )
        self.assertEqual(stripe.refund_support, "full_and_partial")
        stripe.refund_support = "full_only"  # a shop may allow less than the provider can
        with self.assertRaises(ValidationError):
            self.demo.environment = "prod"

    def test_demo_acquirer_gets_its_payment_form(self):
        button = self.env.ref("soon_payment_demo.soon_demo_acquirer_button")
        self.assertEqual(self.demo.view_template_id, button)
        # created from the form, which proposes the generic button
        Acquirer = self.env["payment.acquirer"]
        values = Acquirer.default_get(["view_template_id"])
        self.assertTrue(values["view_template_id"])
        other = Acquirer.create(dict(values, name="Demo 2", provider="soon_demo"))
        self.assertEqual(other.view_template_id, button)
        self.assertEqual(other.refund_support, "full_and_partial")

    def test_order_invoice_is_refunded_with_odoo_refund(self):
        invoice = self.env["account.invoice"].browse(self.order.action_invoice_create())
        invoice.action_invoice_open()
        refund = self._refund(253.0, reason="Cancelled by the customer")
        credit_note = refund.refund_invoice_id
        self.assertEqual(credit_note.refund_invoice_id, invoice)
        self.assertEqual(credit_note.origin, invoice.number)
        self.assertEqual(credit_note.name, "Cancelled by the customer")
        self.assertEqual(
            sorted(credit_note.invoice_line_ids.mapped("price_subtotal")),
            sorted(invoice.invoice_line_ids.mapped("price_subtotal")),
        )
        self.assertEqual(credit_note.state, "paid")

    def test_partial_refund_of_an_invoiced_order_scales_the_invoice_lines(self):
        invoice = self.env["account.invoice"].browse(self.order.action_invoice_create())
        invoice.action_invoice_open()
        refund = self._refund(33.33)
        credit_note = refund.refund_invoice_id
        self.assertEqual(credit_note.amount_total, 33.33)
        self.assertEqual(credit_note.refund_invoice_id, invoice)
        self.assertEqual(credit_note.state, "paid")
        products = credit_note.invoice_line_ids.mapped("product_id")
        self.assertEqual(products, self.product_a | self.product_b)

    def test_a_refunded_order_is_not_marked_paid_again(self):
        self._refund(100.0)
        invoices = self.order.invoice_ids
        self.assertTrue(self.order.action_mark_as_paid())
        self.assertEqual(self.order.invoice_ids, invoices)
        self.assertEqual(self.order.payment_status, "partially_refunded")

    # ------------------------------------------------------------------
    # provider failures
    # ------------------------------------------------------------------
    def test_declined_refund_changes_nothing_and_a_new_attempt_succeeds(self):
        self.demo.write({"soon_demo_refund_outcome": "decline", "soon_demo_refund_message": "Card account closed."})
        failed = self._refund(253.0)
        self.assertEqual(failed.state, "error")
        self.assertEqual(failed.state_message, "Card account closed.")
        self.assertFalse(failed.refund_retryable)
        self.assertFalse(failed.refund_invoice_id)
        self.assertFalse(self._credit_notes(self.partner))
        self.assertFalse(self.env["account.payment"].search([("partner_id", "=", self.partner.id)]))
        self.assertEqual(self.order.payment_status, "paid")
        self.assertEqual(self.payment.amount_refundable, 253.0)
        note = self._order_messages("failed: Card account closed.")
        self.assertEqual(len(note), 1)
        self.assertFalse(self._order_messages("refund for your order"))
        # declined for good: the next refund is a new attempt with its own key
        self.demo.soon_demo_refund_outcome = "success"
        refund = self._refund(253.0)
        self.assertNotEqual(refund, failed)
        self.assertNotEqual(refund.refund_idempotency_key, failed.refund_idempotency_key)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(self.order.payment_status, "refunded")
        self.assertEqual(len(self._credit_notes(self.partner)), 1)

    def test_temporary_failure_is_retried_with_the_same_key(self):
        self.demo.soon_demo_refund_outcome = "unavailable"
        failed = self._refund(100.0)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        key = failed.refund_idempotency_key
        self.assertFalse(self._credit_notes(self.partner))
        # it may have reached the provider: nothing else until it is retried or abandoned
        with self.assertRaisesRegex(UserError, "failed temporarily"):
            self._refund(50.0)
        with self.assertRaisesRegex(UserError, "was for .*100.00"):
            self._refund(90.0, retry=failed)
        # the wizard opens on the failed attempt
        wizard = self._wizard(self.order, self.manager)
        self.assertEqual(wizard.retry_transaction_id, failed)
        self.assertEqual(wizard.amount, 100.0)
        self.assertIn("unavailable", wizard.error_message)
        action = wizard.action_refund()  # still unavailable: the wizard comes back
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.retry_transaction_id, failed)
        self.demo.soon_demo_refund_outcome = "success"
        self.assertEqual(wizard.action_refund()["type"], "ir.actions.act_window_close")
        self.assertEqual(failed.state, "refunded")
        self.assertEqual(failed.refund_idempotency_key, key)
        self.assertEqual(self.payment.refund_transaction_ids, failed)
        self.assertEqual(self.order.payment_status, "partially_refunded")

    def test_abandoned_attempt_no_longer_counts(self):
        self.demo.soon_demo_refund_outcome = "unavailable"
        failed = self._refund(253.0)
        wizard = self._wizard(self.order, self.manager)
        wizard.action_abandon_attempt()
        self.assertEqual(failed.state, "cancel")
        self.assertFalse(wizard.retry_transaction_id)
        self.assertTrue(self._order_messages("abandoned by Refund Manager"))
        self.demo.soon_demo_refund_outcome = "success"
        self.assertEqual(wizard.action_refund()["type"], "ir.actions.act_window_close")
        self.assertEqual(self.order.payment_status, "refunded")
        self.assertEqual(self.payment.amount_refunded, 253.0)

    # ------------------------------------------------------------------
    # the wizard
    # ------------------------------------------------------------------
    def test_wizard_shows_paid_refunded_refundable_and_refunds_in_full_by_default(self):
        self._refund(53.0)
        wizard = self._wizard(self.order, self.manager)
        self.assertEqual(wizard.transaction_id, self.payment)
        self.assertEqual(
            (wizard.amount_paid, wizard.amount_refunded, wizard.amount_refundable, wizard.amount),
            (253.0, 53.0, 200.0, 200.0),
        )
        self.assertEqual(wizard.method, "provider")
        self.assertTrue(wizard.can_edit_amount)
        wizard.amount = 20.0
        self.assertEqual(wizard.action_refund()["type"], "ir.actions.act_window_close")
        self.assertEqual(self.payment.amount_refunded, 73.0)

    def test_wizard_amount_is_fixed_when_the_acquirer_refunds_whole_payments_only(self):
        self.demo.refund_support = "full_only"
        wizard = self._wizard(self.order, self.manager)
        self.assertFalse(wizard.can_edit_amount)
        wizard.amount = 1.0  # read-only on the form: the server refunds the whole payment
        wizard.action_refund()
        self.assertEqual(self.payment.amount_refunded, 253.0)

    def test_orders_without_captured_payment_cannot_be_refunded(self):
        order = self._confirmed_order(self.partner, [(self.product_a, 1)])
        self._confirm_and_deliver(order)
        with self.assertRaisesRegex(UserError, "no captured payment"):
            order.sudo(self.manager).action_refund()
