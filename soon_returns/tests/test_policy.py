"""Return policy: product wins over category, category over parents, defaults by product type."""

from unittest.mock import patch

from odoo import fields

from .common import ReturnsCase


class TestReturnPolicy(ReturnsCase):
    def test_default_policy_by_product_type(self):
        self.assertTrue(self.product_a._get_return_policy()["returnable"])
        consu = self.product_consu._get_return_policy()
        self.assertFalse(consu["returnable"])
        self.assertIn("cannot be returned", consu["refusal"])
        service = self.env["product.product"].create({"name": "Setup", "type": "service"})
        self.assertFalse(service._get_return_policy()["returnable"])

    def test_category_decides_unless_product_sets(self):
        parent = self.env["product.category"].create(
            {"name": "Hygiene", "return_policy": "final_sale", "return_window_days": 7}
        )
        self.categ.parent_id = parent
        self.assertFalse(self.product_a._get_return_policy()["returnable"])
        self.product_b.return_policy = "returnable"
        policy = self.product_b._get_return_policy()
        self.assertTrue(policy["returnable"])
        self.assertEqual(policy["window_days"], 7, "window inherited from the parent category")
        # a consumable becomes returnable when its category says so
        self.categ.return_policy = "returnable"
        self.assertTrue(self.product_consu._get_return_policy()["returnable"])

    def test_window_product_then_category_then_company(self):
        self.assertEqual(self.product_a._get_return_policy()["window_days"], 30)
        self.categ.return_window_days = 14
        self.assertEqual(self.product_a._get_return_policy()["window_days"], 14)
        self.product_a.return_window_days = 60
        self.assertEqual(self.product_a._get_return_policy()["window_days"], 60)

    def test_allowed_reasons(self):
        all_reasons = self.product_a._get_return_policy()["reasons"]
        self.assertIn(self.reason_changed, all_reasons)
        self.categ.return_reason_ids = [(6, 0, (self.reason_damaged | self.reason_wrong).ids)]
        self.assertEqual(self.product_a._get_return_policy()["reasons"], self.reason_damaged | self.reason_wrong)
        self.product_a.return_reason_ids = [(6, 0, self.reason_damaged.ids)]
        self.assertEqual(self.product_a._get_return_policy()["reasons"], self.reason_damaged)

    def test_returnable_quantity_is_delivered_minus_open_minus_returned(self):
        info = self.order._get_return_info()[self.line_a.id]
        self.assertEqual(info["qty_returnable"], 3.0)
        request = self.Request._portal_submit(
            self.order, self._form(self.order, [(self.product_a, 1, self.reason_changed, "")])
        )
        self.assertEqual(self.order._get_return_info()[self.line_a.id]["qty_returnable"], 2.0)
        request._approve()
        self.assertEqual(self.order._get_return_info()[self.line_a.id]["qty_returnable"], 2.0)
        self._validate_return_pickings(request)
        self.assertEqual(request.state, "received")
        self.assertEqual(self.line_a.qty_delivered, 2.0)
        self.assertEqual(self.order._get_return_info()[self.line_a.id]["qty_returnable"], 2.0)
        # a rejected request frees its quantity again
        other = self.Request._portal_submit(
            self.order, self._form(self.order, [(self.product_a, 2, self.reason_changed, "")])
        )
        self.assertFalse(self.order._get_return_info()[self.line_a.id]["returnable"])
        other._reject("Not in the original packaging")
        self.assertEqual(self.order._get_return_info()[self.line_a.id]["qty_returnable"], 2.0)

    def test_window_closes(self):
        info = self.order._get_return_info()[self.line_a.id]
        self.assertTrue(info["returnable"])
        later = fields.Datetime.to_string(info["window_end"] + __import__("datetime").timedelta(hours=1))
        info = self.order.order_line._get_return_info(now=later)[self.line_a.id]
        self.assertFalse(info["returnable"])
        self.assertIn("return period for this item ended", info["refusal"])

    def test_portal_button_only_when_something_returnable(self):
        self.assertTrue(self.order._portal_can_return())
        undelivered = self.env["sale.order"].create(
            {
                "partner_id": self.customer.partner_id.id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1})],
            }
        )
        undelivered.action_confirm()
        self.assertFalse(undelivered._portal_can_return())
        old = self._delivered_order(self.customer.partner_id, [(self.product_a, 1)], 45)
        self.assertFalse(old._portal_can_return())
        final = self._delivered_order(self.customer.partner_id, [(self.product_final, 1)])
        self.assertFalse(final._portal_can_return())
        with patch.object(
            type(self.env["sale.order.line"]), "_get_customer_moves", lambda lines: lines.env["stock.move"]
        ):
            self.assertFalse(self.order._portal_can_return())
        # the window counts from the delivery: delivered today or 29 days ago is still returnable (window 30 days)
        today = self._delivered_order(self.customer.partner_id, [(self.product_a, 1)], 0)
        self.assertTrue(today._portal_can_return())
        recent = self._delivered_order(self.customer.partner_id, [(self.product_a, 1)], 29)
        self.assertTrue(recent._portal_can_return())
