# -*- coding: utf-8 -*-
"""eCommerce status, payment status and the working lists (filters)."""

from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields

from ..models.settings_keys import PARAM_ABANDONED_DELAY
from .common import EcommerceOrdersCase


class TestStatuses(EcommerceOrdersCase):
    def test_website_status_follows_the_document(self):
        order = self.make_order()
        self.assertEqual(order.website_status, "quotation")
        self.make_tx(order, state="pending")
        order.force_quotation_send()
        self.assertEqual((order.state, order.website_status), ("sent", "sent"))
        self.assertTrue(order.checkout_date)
        order.action_confirm()
        self.assertEqual(order.website_status, "order")
        Order = self.env["sale.order"]
        self.assertIn(order, Order.search([("website_status", "=", "order")]))
        self.assertNotIn(order, Order.search([("website_status", "in", ["quotation", "sent"])]))
        self.assertIn(order, Order.search([("website_status", "!=", "quotation")]))

    def test_payment_status_from_transactions(self):
        order = self.make_order()
        self.assertEqual(order.payment_status, "not_paid")
        tx = self.make_tx(order, state="pending")
        self.assertEqual(order.payment_status, "pending")
        Acquirer = type(self.env["payment.acquirer"])
        features = Acquirer._get_feature_support(self.env["payment.acquirer"])
        features["authorize"].append("transfer")  # let a transfer be authorized for this test
        with patch.object(Acquirer, "_get_feature_support", lambda self: features):
            tx.state = "authorized"
            self.assertEqual(order.payment_status, "authorized")
        tx.state = "done"
        self.assertEqual(order.payment_status, "paid")
        tx.state = "refunded"
        self.assertEqual(order.payment_status, "refunded")
        # a cancelled retry does not hide a previous payment
        tx.state = "done"
        self.make_tx(order, state="cancel")
        self.assertEqual(order.payment_status, "paid")

    def test_unpaid_orders_filter(self):
        Order = self.env["sale.order"]
        cod_sent = self.make_order()
        self.make_tx(cod_sent, state="pending")
        cod_sent.force_quotation_send()
        confirmed_unpaid = self.make_order()
        self.make_tx(confirmed_unpaid, state="pending")
        confirmed_unpaid.action_confirm_and_reserve()
        paid = self.make_order()
        self.make_tx(paid, acquirer=self.transfer, state="done")
        paid.action_confirm()
        cart = self.make_order()
        backend_quote = self.make_order(website_order=False, state="sent")
        unpaid = Order.search([("is_unpaid_order", "=", True)])
        self.assertIn(cod_sent, unpaid)
        self.assertIn(confirmed_unpaid, unpaid)
        for order in (paid, cart, backend_quote):
            self.assertNotIn(order, unpaid)
        not_unpaid = Order.search([("is_unpaid_order", "=", False), ("id", "in", (cod_sent | paid | cart).ids)])
        self.assertEqual(not_unpaid, paid | cart)
        self.assertTrue(cod_sent.is_unpaid_order and not paid.is_unpaid_order)

    def test_paid_not_confirmed(self):
        Order = self.env["sale.order"]
        order = self.make_order()
        # amount mismatch: Odoo refuses to confirm, the order stays a quotation though paid
        self.make_tx(order, acquirer=self.transfer, state="done", amount=order.amount_total - 1)
        result = order.payment_tx_id._confirm_so()
        self.assertEqual(result, "pay_sale_tx_amount")
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.is_paid_not_confirmed)
        self.assertIn(order, Order.search([("is_paid_not_confirmed", "=", True)]))
        order.action_confirm()
        self.assertFalse(order.is_paid_not_confirmed)
        self.assertNotIn(order, Order.search([("is_paid_not_confirmed", "=", True)]))
        # the form shows a warning banner bound to the field
        arch = Order.fields_view_get(view_type="form")["arch"]
        self.assertIn("o_soon_paid_not_confirmed", arch)

    def test_abandoned_carts_use_the_configured_delay_and_last_activity(self):
        Order = self.env["sale.order"]
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_ABANDONED_DELAY, "5.0")
        now = datetime.utcnow()
        old = self.make_order()
        recent = self.make_order()
        public = self.make_order(partner=self.env.ref("base.public_partner"))
        empty = self.make_order(order_line=[])
        for order, hours in ((old, 6), (recent, 4), (public, 10), (empty, 10)):
            order.cart_last_activity = fields.Datetime.to_string(now - timedelta(hours=hours))
        # the order date is old for all of them: activity decides, not creation
        (old | recent).write({"date_order": fields.Datetime.to_string(now - timedelta(days=3))})
        abandoned = Order.search([("is_abandoned_cart", "=", True)])
        self.assertIn(old, abandoned)
        for order in (recent, public, empty):
            self.assertNotIn(order, abandoned)
        # Odoo 11 returned the abandoned carts for is_abandoned_cart = False
        not_abandoned = Order.search([("is_abandoned_cart", "=", False), ("id", "in", (old | recent).ids)])
        self.assertEqual(not_abandoned, recent)
        self.assertEqual(Order.search([("is_abandoned_cart", "!=", True), ("id", "=", old.id)]), Order)
        self.assertTrue(old.is_abandoned_cart)
        self.assertFalse(recent.is_abandoned_cart)
        # "= False" is the exact complement, rows with NULL columns included
        # (negating each leaf would lose the cart with no recorded activity)
        no_activity = self.make_order()
        self.env.cr.execute("UPDATE sale_order SET cart_last_activity = NULL WHERE id = %s", [no_activity.id])
        no_activity.invalidate_cache()
        carts = old | recent | public | empty | no_activity
        yes = Order.search([("is_abandoned_cart", "=", True), ("id", "in", carts.ids)])
        no = Order.search([("is_abandoned_cart", "=", False), ("id", "in", carts.ids)])
        self.assertEqual(yes, old)
        self.assertEqual(no, carts - old)
        self.assertEqual(Order.search([("has_order_lines", "=", False), ("id", "in", carts.ids)]), empty)
        self.assertEqual(Order.search([("has_order_lines", "!=", False), ("id", "in", carts.ids)]), carts - empty)
        params.set_param(PARAM_ABANDONED_DELAY, "3.0")
        self.assertIn(recent, Order.search([("is_abandoned_cart", "=", True)]))

    def test_backend_quotation_in_website_team_is_not_a_cart(self):
        quote = self.make_order(website_order=False)
        quote.cart_last_activity = "2000-01-01 00:00:00"
        self.assertNotIn(quote, self.env["sale.order"].search([("is_abandoned_cart", "=", True)]))

    def test_views_show_both_statuses(self):
        Order = self.env["sale.order"]
        for view_type, view in (
            ("tree", "soon_ecommerce_orders.sale_order_view_tree_ecommerce"),
            ("kanban", None),
            ("form", None),
            ("search", None),
        ):
            arch = Order.fields_view_get(view_id=view and self.env.ref(view).id, view_type=view_type)["arch"]
            if view_type == "search":
                for name in ("unpaid_orders", "abandoned_carts", "paid_not_confirmed", "website_orders"):
                    self.assertIn('name="%s"' % name, arch)
            else:
                self.assertIn("payment_status", arch)
                self.assertIn("website_status", arch)
        for xmlid in (
            "website_sale.action_orders_ecommerce",
            "website_sale.action_unpaid_orders_ecommerce",
            "website_sale.action_abandoned_orders_ecommerce",
            "soon_ecommerce_orders.sale_order_action_paid_not_confirmed",
        ):
            action = self.env.ref(xmlid)
            self.assertEqual(action.view_id, self.env.ref("soon_ecommerce_orders.sale_order_view_tree_ecommerce"))
            self.assertNotIn("team_type", action.domain or "")
