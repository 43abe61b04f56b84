"""Refunding a received return: the returned lines' value minus restocking
fees (per return reason or product category, percentage or fixed, never
above the line, rounded in the order's currency), shown on the credit note."""

from odoo.exceptions import ValidationError

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
