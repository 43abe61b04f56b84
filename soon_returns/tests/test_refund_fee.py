"""Refunding a received return: the returned lines' value minus restocking
fees (per return reason or product category, percentage or fixed, never
above the line, rounded in the order's currency), shown on the credit note."""

from odoo.exceptions import UserError, ValidationError

from .common import RefundsCase


class RefundFeeCase(RefundsCase):
    def _currency(self, code, rounding, rate):
        currency = self.env.ref("base.%s" % code)
        currency.write({"active": True, "rounding": rounding})
        currency.rate_ids.unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": currency.id, "rate": rate, "name": "2000-01-01", "company_id": self.company.id}
        )
        return currency

    def _pricelist(self, currency):
        return self.env["product.pricelist"].create({"name": "Refunds %s" % currency.name, "currency_id": currency.id})

    def _return_line(self, request, product):
        return request.line_ids.filtered(lambda rline: rline.product_id == product)


class TestRestockingFeeArithmetic(RefundFeeCase):
    def setUp(self):
        super().setUp()
        self.company.currency_id.rate_ids.unlink()  # the company's currency at rate 1
        self.vnd = self._currency("VND", 1.0, 25000.0)
        self.eur = self._currency("EUR", 0.01, 0.9)

    def test_percentage_in_a_two_decimal_currency(self):
        self.categ.write({"restocking_fee_policy": "percent", "restocking_fee_value": 12.5})
        order = self._paid_order(
            self.customer.partner_id, [(self.product_a, 3, 19.99)], pricelist=self._pricelist(self.eur), deliver=True
        )
        request = self._received_return(order, [(self.product_a, 2, self.reason_changed)])
        line = request.line_ids
        self.assertAlmostEqual(line.refund_value, 39.98, places=6)
        # 39.98 x 12.5% = 4.9975: rounded to the cent
        self.assertAlmostEqual(line.restocking_fee, 5.0, places=6)
        self.assertAlmostEqual(request.amount_restocking_fee, 5.0, places=6)

    def test_percentage_in_vnd_has_no_decimals(self):
        self.categ.write({"restocking_fee_policy": "percent", "restocking_fee_value": 15.0})
        order = self._paid_order(
            self.customer.partner_id, [(self.product_a, 3, 33333.0)], pricelist=self._pricelist(self.vnd), deliver=True
        )
        request = self._received_return(order, [(self.product_a, 3, self.reason_changed)])
        line = request.line_ids
        self.assertEqual(line.refund_value, 99999.0)
        # 99999 x 15% = 14999.85 đồng: 15000
        self.assertEqual(line.restocking_fee, 15000.0)

    def test_fixed_fee_is_converted_and_never_above_the_line(self):
        self.categ.write({"restocking_fee_policy": "fixed", "restocking_fee_value": 2.5})
        order = self._paid_order(
            self.customer.partner_id,
            [(self.product_a, 2, 35000.0), (self.product_b, 1, 20000.0)],
            pricelist=self._pricelist(self.vnd),
            deliver=True,
        )
        request = self._received_return(
            order, [(self.product_a, 1, self.reason_changed), (self.product_b, 1, self.reason_changed)]
        )
        # 2.50 in the company's currency = 62500 đồng: the whole 35000 line at most
        self.assertEqual(self._return_line(request, self.product_a).restocking_fee, 35000.0)
        self.assertEqual(self._return_line(request, self.product_b).restocking_fee, 20000.0)
        self.categ.restocking_fee_value = 0.5
        request.line_ids.invalidate_cache()
        # 0.50 = 12500 đồng, per line
        self.assertEqual(self._return_line(request, self.product_a).restocking_fee, 12500.0)
        self.assertEqual(request.amount_restocking_fee, 25000.0)

    def test_fixed_fee_in_a_two_decimal_currency(self):
        self.categ.write({"restocking_fee_policy": "fixed", "restocking_fee_value": 3.33})
        order = self._paid_order(
            self.customer.partner_id, [(self.product_a, 1, 50.0)], pricelist=self._pricelist(self.eur), deliver=True
        )
        request = self._received_return(order, [(self.product_a, 1, self.reason_changed)])
        # 3.33 x 0.9 = 2.997: 3.00
        self.assertAlmostEqual(request.line_ids.restocking_fee, 3.0, places=6)

    def test_reason_wins_over_category_and_category_inherits_from_parent(self):
        parent = self.env["product.category"].create(
            {"name": "Refund parent", "restocking_fee_policy": "percent", "restocking_fee_value": 20.0}
        )
        self.categ.write({"parent_id": parent.id, "restocking_fee_policy": "parent"})
        self.reason_damaged.restocking_fee_policy = "none"
        self.reason_other.write({"restocking_fee_policy": "percent", "restocking_fee_value": 5.0})
        order = self._paid_order(self.customer.partner_id, [(self.product_a, 3, 50.0)], deliver=True)
        request = self._received_return(order, [(self.product_a, 1, self.reason_changed)])
        self.assertEqual(request.line_ids._get_restocking_fee_rule(), ("percent", 20.0))
        self.assertEqual(request.line_ids.restocking_fee, 10.0)
        request.line_ids.reason_id = self.reason_damaged
        self.assertEqual(request.line_ids._get_restocking_fee(), 0.0)
        request.line_ids.reason_id = self.reason_other
        self.assertEqual(request.line_ids._get_restocking_fee(), 2.5)
        parent.restocking_fee_policy = "parent"
        self.assertEqual(self.categ._get_restocking_fee_rule(), ("none", 0.0))

    def test_fee_values_are_checked(self):
        with self.assertRaises(ValidationError):
            self.reason_changed.write({"restocking_fee_policy": "percent", "restocking_fee_value": 120.0})
        with self.assertRaises(ValidationError):
            self.categ.write({"restocking_fee_policy": "fixed", "restocking_fee_value": -1.0})


class TestReturnRefunds(RefundFeeCase):
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
