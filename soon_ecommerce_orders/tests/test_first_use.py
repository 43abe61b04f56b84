# -*- coding: utf-8 -*-
"""Defects a new user met in the demo shop (issue 11): the pay-later methods'
confirmation page, the salesperson's "assigned" notifications of a checkout,
one primary confirm button on an unpaid order, the abandoned-cart delay's
digits in the settings."""

import json

from lxml import etree
from odoo.tests import common
from odoo.tools import float_round

from soon_testing.common import SoonHttpCase, make_portal_user, make_user

from .common import csrf_token, reset_shop_settings

ASSIGNED = "You have been assigned"


@common.at_install(False)
@common.post_install(True)
class TestCheckoutFirstUse(SoonHttpCase):
    def setUp(self):
        super().setUp()
        env = self.env
        reset_shop_settings(env)
        self.website = env.ref("website.default_website")
        self.seller = make_user(
            env, "Tran Thi Binh", "soon_seller", "sales_team.group_sale_salesman", email="binh@example.com"
        )
        self.assertEqual(self.seller.notification_type, "email", "Odoo notifies by email: the case reported")
        self.website.write(
            {"salesteam_id": env.ref("sales_team.salesteam_website_sales").id, "salesperson_id": self.seller.id}
        )
        self.product = env["product.product"].create(
            {
                "name": "SoOn First Use Chair",
                "type": "consu",
                "list_price": 250.0,
                "website_published": True,
                "sale_ok": True,
            }
        )
        self.cod = env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        self.pay_in_store = env.ref("soon_ecommerce_orders.payment_acquirer_pay_in_store")
        (self.cod | self.pay_in_store).write({"website_published": True})
        env.ref("base.main_company").write({"country_id": env.ref("base.vn").id})

    def order(self):
        self.refresh()
        return self.env["sale.order"].search(
            [("order_line.product_id", "=", self.product.id)], order="id desc", limit=1
        )

    def checkout(self, acquirer, address=True):
        """Cart, address, payment method, the transfer form's post back and the
        confirmation page, as the browser does them; returns (order, page)."""
        response = self.url_open("/shop/cart/update", data={"product_id": self.product.id, "add_qty": 1})
        self.assertEqual(response.status_code, 200)
        if address:
            page = self.url_open("/shop/address").text
            response = self.url_open(
                "/shop/address",
                data={
                    "name": "Pham Thi Dung",
                    "email": "dung@example.com",
                    "phone": "0912345678",
                    "street": "12 Nguyen Hue",
                    "city": "Ho Chi Minh",
                    "country_id": self.env.ref("base.vn").id,
                    "submitted": 1,
                    "field_required": "phone,name",
                    "csrf_token": csrf_token(page),
                },
            )
            self.assertEqual(response.status_code, 200)
        self.url_open("/shop/confirm_order")
        result = self.json_rpc("/shop/payment/transaction/", {"acquirer_id": acquirer.id})
        self.assertIn("result", result, result)
        order = self.order()
        tx = order.payment_tx_id
        # the transfer form posts back, then the browser follows to /shop/payment/validate
        page = self.url_open(
            "/payment/transfer/feedback",
            data={
                "reference": tx.reference,
                "amount": "%.2f" % tx.amount,
                "currency": tx.currency_id.name,
                "return_url": "/shop/payment/validate",
            },
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("/shop/confirmation", page.url)
        self.refresh()
        self.assertEqual((order.state, order.payment_tx_id.state), ("sent", "pending"))
        return order, page.text

    def assigned_notifications(self, order):
        self.refresh()
        return order.message_ids.filtered(lambda m: ASSIGNED in (m.body or ""))

    # -------------------------------------------------- confirmation page
    def test_cash_on_delivery_confirmation_page(self):
        order, page = self.checkout(self.cod)
        self.assertIn("you will pay the courier in cash on delivery", page)
        self.assertNotIn("successfully processed", page)

    def test_pay_in_store_confirmation_page(self):
        order, page = self.checkout(self.pay_in_store)
        self.assertIn("you will pay at the counter when you collect it in our store", page)
        self.assertNotIn("successfully processed", page)

    def test_pending_messages_in_vietnamese(self):
        for acquirer, words in ((self.cod, "tiền mặt"), (self.pay_in_store, "tại quầy")):
            message = acquirer.with_context(lang="vi_VN").pending_msg
            self.assertIn(words, message)
            self.assertNotIn("Pending", message)

    # ----------------------------------------------- assigned notification
    def test_guest_checkout_notifies_the_salesperson_once(self):
        order, _page = self.checkout(self.cod)
        self.assertEqual(order.user_id, self.seller)
        notifications = self.assigned_notifications(order)
        self.assertEqual(len(notifications), 1, notifications.mapped("body"))
        self.assertIn("Dear Tran Thi Binh", notifications.body)

    def test_logged_in_checkout_notifies_the_salesperson_once(self):
        customer = make_portal_user(
            self.env,
            "Le Van Cuong",
            "soon_portal",
            email="cuong@example.com",
            street="5 Tran Phu",
            city="Hue",
            phone="+84 234 3822 111",
            country_id=self.env.ref("base.vn").id,
        )
        self.authenticate("soon_portal", "soon_portal")
        order, _page = self.checkout(self.cod, address=False)
        self.assertEqual((order.partner_id, order.user_id), (customer.partner_id, self.seller))
        self.assertEqual(len(self.assigned_notifications(order)), 1)

    def test_salesperson_given_at_login_is_notified_once(self):
        """No website salesperson: a guest's cart has none; logging in gives it the
        customer's own salesperson, who is told (once)."""
        self.website.salesperson_id = False
        customer = make_portal_user(self.env, "Le Van Cuong", "soon_portal", email="cuong@example.com")
        customer.partner_id.user_id = self.seller
        self.url_open("/shop/cart/update", data={"product_id": self.product.id, "add_qty": 1})
        order = self.order()
        self.assertFalse(order.user_id)
        self.authenticate("soon_portal", "soon_portal")
        self.url_open("/shop/cart")
        self.refresh()
        self.assertEqual((order.partner_id, order.user_id), (customer.partner_id, self.seller))
        self.assertEqual(len(self.assigned_notifications(order)), 1)


@common.at_install(False)
@common.post_install(True)
class TestBackOfficeFirstUse(common.TransactionCase):
    @staticmethod
    def is_visible(node, record):
        """Evaluate the button's invisible modifier (fields_view_get's
        postprocessed attrs/states) on ``record``, a dict of field values."""
        domain = json.loads(node.get("modifiers", "{}")).get("invisible", False)
        if isinstance(domain, bool):
            return not domain

        def leaf(term):
            name, op, value = term
            if op in ("in", "not in"):
                return (record[name] in value) == (op == "in")
            return (record[name] == value) == (op == "=")

        def evaluate(items):
            item = items.pop(0)
            if item == "|":
                left, right = evaluate(items), evaluate(items)
                return left or right
            if item == "&":
                left, right = evaluate(items), evaluate(items)
                return left and right
            if item == "!":
                return not evaluate(items)
            return leaf(item)

        terms = list(domain)
        # an implicit '&' between consecutive terms
        result = evaluate(terms)
        while terms:
            result = evaluate(terms) and result
        return not result

    def primary_confirm_buttons(self, **record):
        arch = etree.fromstring(
            self.env["sale.order"].fields_view_get(self.env.ref("sale.view_order_form").id, "form")["arch"]
        )
        buttons = arch.xpath("//header/button[@name='action_confirm' or @name='action_confirm_and_reserve']")
        self.assertGreaterEqual(len(buttons), 3)
        values = dict({"can_directly_mark_as_paid": False, "payment_status": "pending"}, **record)
        return [
            b.get("string")
            for b in buttons
            if ("btn-primary" in (b.get("class") or "") or "oe_highlight" in (b.get("class") or ""))
            and self.is_visible(b, values)
        ]

    def visible_confirm_buttons(self, **record):
        arch = etree.fromstring(
            self.env["sale.order"].fields_view_get(self.env.ref("sale.view_order_form").id, "form")["arch"]
        )
        buttons = arch.xpath("//header/button[@name='action_confirm' or @name='action_confirm_and_reserve']")
        return sorted(b.get("string") for b in buttons if self.is_visible(b, record))

    def test_unpaid_website_order_has_one_primary_confirm_button(self):
        self.assertEqual(self.primary_confirm_buttons(website_order=True, state="sent"), ["Confirm and Reserve"])
        # Odoo's stays there, as a secondary button
        self.assertEqual(
            self.visible_confirm_buttons(website_order=True, state="sent"), ["Confirm Sale", "Confirm and Reserve"]
        )

    def test_other_quotations_keep_odoos_buttons(self):
        self.assertEqual(self.primary_confirm_buttons(website_order=False, state="sent"), ["Confirm Sale"])
        self.assertEqual(self.visible_confirm_buttons(website_order=False, state="sent"), ["Confirm Sale"])
        self.assertEqual(self.visible_confirm_buttons(website_order=True, state="draft"), ["Confirm Sale"])
        self.assertEqual(self.visible_confirm_buttons(website_order=False, state="draft"), ["Confirm Sale"])
        self.assertEqual(self.visible_confirm_buttons(website_order=True, state="sale"), [])

    def test_abandoned_cart_delay_shows_its_digits(self):
        """0.001 h is accepted and stored: the settings show it, not "0.00"."""
        arch = etree.fromstring(self.env["res.config.settings"].fields_view_get(view_type="form")["arch"])
        node = arch.xpath("//field[@name='cart_abandoned_delay']")[0]
        digits = (
            json.loads(node.get("digits") or "null")
            or self.env["res.config.settings"]._fields["cart_abandoned_delay"].digits
            or (16, 2)
        )
        self.assertEqual(float_round(0.001, precision_digits=digits[1]), 0.001)
