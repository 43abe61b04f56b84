# -*- coding: utf-8 -*-
"""The website checkout through the real HTTP routes: assignment, phone
numbers, terms acceptance, payment methods, query budget."""

import contextlib
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import common

from soon_testing.common import SoonHttpCase, make_portal_user, make_user

from ..controllers.main import SoonWebsiteSale
from ..models import sale_order as sale_order_module
from ..models import website as website_module
from ..models.settings_keys import PARAM_TERMS_REQUIRED
from .common import csrf_token, form_errors, reset_shop_settings


@common.at_install(False)
@common.post_install(True)
class TestCheckoutHttp(SoonHttpCase):
    def setUp(self):
        super().setUp()
        env = self.env
        reset_shop_settings(env)
        self.website = env.ref("website.default_website")
        self.team = env.ref("sales_team.salesteam_website_sales")
        self.seller = make_user(
            env, "Tran Thi Binh", "soon_seller", "sales_team.group_sale_salesman", email="binh@example.com"
        )
        self.website.write({"salesteam_id": self.team.id, "salesperson_id": self.seller.id})
        self.product = env["product.product"].create(
            {
                "name": "SoOn Checkout Chair",
                "type": "consu",
                "list_price": 250.0,
                "website_published": True,
                "sale_ok": True,
            }
        )
        self.cod = env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        self.cod.write({"website_published": True})
        env.ref("base.main_company").write({"country_id": env.ref("base.vn").id})
        self.portal_user = make_portal_user(env, "Le Van Cuong", "soon_portal", email="cuong@example.com")

    # ------------------------------------------------------------- helpers
    def add_to_cart(self, qty=1):
        response = self.url_open("/shop/cart/update", data={"product_id": self.product.id, "add_qty": qty})
        self.assertEqual(response.status_code, 200)
        return self.current_order()

    def current_order(self):
        self.refresh()
        return self.env["sale.order"].search(
            [("order_line.product_id", "=", self.product.id)], order="id desc", limit=1
        )

    def address_form(self, **values):
        page = self.url_open("/shop/address").text
        data = {
            "name": "Pham Thi Dung",
            "email": "dung@example.com",
            "phone": "0912345678",
            "street": "12 Nguyen Hue",
            "city": "Ho Chi Minh",
            "country_id": self.env.ref("base.vn").id,
            "submitted": 1,
            "field_required": "phone,name",
            "csrf_token": csrf_token(page),
        }
        data.update(values)
        return self.url_open("/shop/address", data=data)

    # ------------------------------------------------------------ assignment
    def test_guest_cart_gets_the_website_assignment(self):
        order = self.add_to_cart()
        self.assertTrue(order.website_order)
        self.assertEqual(order.partner_id, self.env.ref("base.public_partner"))
        self.assertEqual((order.team_id, order.user_id), (self.team, self.seller))
        self.assertTrue(order.cart_last_activity)

    def test_assignment_survives_address_entry(self):
        """odoo/odoo#24216: entering an address re-ran onchange_partner_id and made the admin the salesperson."""
        order = self.add_to_cart()
        response = self.address_form()
        self.assertEqual(response.status_code, 200)
        self.refresh()
        self.assertEqual(order.partner_id.name, "Pham Thi Dung")
        self.assertEqual((order.team_id, order.user_id), (self.team, self.seller))
        self.assertNotEqual(order.user_id, self.env.ref("base.user_root"))

    def test_assignment_survives_login(self):
        order = self.add_to_cart()
        self.authenticate("soon_portal", "soon_portal")
        self.url_open("/shop/cart")
        self.refresh()
        self.assertEqual(order.partner_id, self.portal_user.partner_id)
        self.assertEqual((order.team_id, order.user_id), (self.team, self.seller))

    def test_assignment_survives_signup(self):
        order = self.add_to_cart()
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.allow_uninvited", "True")
        self.env["res.users"].sudo()._signup_create_user(
            {"login": "soon_new_customer", "name": "Vo Minh Em", "password": "x" * 12, "email": "em@example.com"}
        )
        self.authenticate("soon_new_customer", "x" * 12)
        self.url_open("/shop/cart")
        self.refresh()
        self.assertEqual(order.partner_id.name, "Vo Minh Em")
        self.assertEqual((order.team_id, order.user_id), (self.team, self.seller))

    def test_no_website_team_falls_back_to_customer_team(self):
        customer_team = self.env["crm.team"].create({"name": "Key Accounts"})
        key_seller = make_user(self.env, "Key Seller", "soon_key_seller", "sales_team.group_sale_salesman")
        self.portal_user.partner_id.write({"team_id": customer_team.id, "user_id": key_seller.id})
        self.website.write({"salesteam_id": False, "salesperson_id": False})
        self.authenticate("soon_portal", "soon_portal")
        order = self.add_to_cart()
        self.assertEqual((order.team_id, order.user_id), (customer_team, key_seller))

    def test_never_public_portal_or_archived_salesperson(self):
        Website = self.env["website"]
        self.assertFalse(Website._is_valid_salesperson(self.env.ref("base.public_user")))
        self.assertFalse(Website._is_valid_salesperson(self.portal_user))
        with self.assertRaises(ValidationError):
            self.website.salesperson_id = self.portal_user
        self.seller.active = False
        self.portal_user.partner_id.user_id = self.portal_user  # a customer as their own salesperson
        values = self.website._sale_assignment_values(self.portal_user.partner_id)
        self.assertFalse(values["user_id"], "archived website salesperson, portal user: nobody")
        order = self.add_to_cart()
        self.assertFalse(order.user_id)

    # --------------------------------------------------------------- phones
    def test_phone_stored_in_international_format(self):
        order = self.add_to_cart()
        self.address_form(phone="091 234 5678")
        self.refresh()
        self.assertEqual(order.partner_id.phone, "+84 912 345 678")

    def test_invalid_phone_is_refused_at_the_field(self):
        order = self.add_to_cart()
        partners_before = self.env["res.partner"].search_count([])
        response = self.address_form(phone="12ab", name="Should Not Exist")
        fields, messages = form_errors(response.text)
        self.assertIn("phone", fields)
        self.assertTrue(any("not a valid phone number" in m for m in messages), messages)
        self.assertIn('value="12ab"', response.text, "the customer's input is kept")
        self.refresh()
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        self.assertEqual(order.partner_id, self.env.ref("base.public_partner"))

    # ------------------------------------------------------- terms & payment
    def pay_with(self, acquirer_id):
        return self.json_rpc("/shop/payment/transaction/", {"acquirer_id": acquirer_id})

    def test_terms_required_blocks_payment_until_accepted(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_TERMS_REQUIRED, "1")
        order = self.add_to_cart()
        self.address_form()
        page = self.url_open("/shop/payment").text
        self.assertIn('id="soon_terms_accept"', page)
        refused = self.pay_with(self.cod.id)
        self.assertIn("accept the terms and conditions", refused["error"]["data"]["message"])
        self.refresh()
        self.assertFalse(order.payment_tx_ids)

        accepted = self.json_rpc("/shop/terms/accept", {"accepted": True})
        self.assertEqual(accepted["result"], {"accepted": True})
        self.refresh()
        self.assertTrue(order.terms_accepted_date)
        self.assertEqual(order.terms_accepted_ip, "127.0.0.1")
        self.assertEqual(order.terms_accepted_partner_id, order.partner_id)
        self.assertEqual(order.terms_accepted_user_id, self.website.user_id, "a guest: the website's public user")
        self.assertEqual(order.terms_hash, order._current_terms_hash())
        self.assertEqual(len(order.terms_hash), 64)

        result = self.pay_with(self.cod.id)
        self.assertIn("result", result)
        self.assertIn("/payment/transfer/feedback", result["result"])
        self.refresh()
        tx = order.payment_tx_id
        self.assertEqual(tx.acquirer_id, self.cod)
        # the transfer form posts back: the order becomes "Quotation sent"
        self.url_open(
            "/payment/transfer/feedback",
            data={
                "reference": tx.reference,
                "amount": "%.2f" % tx.amount,
                "currency": tx.currency_id.name,
                "return_url": "/shop/payment/validate",
            },
        )
        self.refresh()
        self.assertEqual((order.state, order.payment_status), ("sent", "pending"))
        self.assertFalse(order.picking_ids)

    def accept_terms(self):
        self.assertEqual(self.json_rpc("/shop/terms/accept", {"accepted": True})["result"], {"accepted": True})

    def test_terms_required_on_the_saved_card_routes(self):
        """A saved card pays through /shop/payment/transaction/ (with ``token``)
        and through /shop/payment/token, which charges the card at once: both
        refuse while the terms are not accepted, and go on once they are."""
        self.env["ir.config_parameter"].sudo().set_param(PARAM_TERMS_REQUIRED, "1")
        customer = self.portal_user.partner_id
        customer.write(
            {
                "street": "5 Tran Phu",
                "city": "Hue",
                "phone": "+84 234 3822 111",
                "country_id": self.env.ref("base.vn").id,
            }
        )
        transfer = self.env.ref("payment.payment_acquirer_transfer")
        transfer.write({"website_published": True})
        card = self.env["payment.token"].create(
            {
                "name": "Saved card 4242",
                "partner_id": customer.id,
                "acquirer_id": transfer.id,
                "acquirer_ref": "tok_4242",
            }
        )
        self.authenticate("soon_portal", "soon_portal")
        order = self.add_to_cart()
        self.assertEqual(order.partner_id, customer)
        Transaction = type(self.env["payment.transaction"])
        with patch.object(Transaction, "confirm_sale_token", autospec=True, return_value=True) as charge:
            refused = self.json_rpc("/shop/payment/transaction/", {"acquirer_id": transfer.id, "token": card.id})
            self.assertIn("accept the terms and conditions", refused["error"]["data"]["message"])
            response = self.url_open("/shop/payment/token?pm_id=%d" % card.id)
            self.assertTrue(response.url.endswith("/shop/payment?terms_error=1"), response.url)
            self.assertIn("accept the terms and conditions", response.text, "the reason is shown")
            charge.assert_not_called()
            self.refresh()
            self.assertFalse(order.payment_tx_ids)
            self.assertEqual(order.state, "draft")

            self.accept_terms()
            self.refresh()
            self.assertEqual(order.terms_accepted_user_id, self.portal_user, "accepted by the logged-in customer")
            self.assertEqual(order.terms_accepted_partner_id, customer)
            result = self.json_rpc("/shop/payment/transaction/", {"acquirer_id": transfer.id, "token": card.id})
            self.assertIn("result", result, result.get("error"))
            self.refresh()
            self.assertEqual(order.payment_tx_ids.payment_token_id, card)
            self.url_open("/shop/payment/token?pm_id=%d" % card.id)
            self.assertEqual(charge.call_count, 1, "the saved card is charged once the terms are accepted")

    def test_terms_required_for_a_free_order(self):
        """A cart of 0 is confirmed by /shop/payment/validate without any
        payment: it too needs the terms accepted."""
        self.env["ir.config_parameter"].sudo().set_param(PARAM_TERMS_REQUIRED, "1")
        self.product.list_price = 0.0
        # no delivery price either (the payment page adds the default delivery method's)
        self.env["delivery.carrier"].search([]).write({"website_published": False})
        order = self.add_to_cart()
        self.address_form()
        self.url_open("/shop/confirm_order")  # the customer's "Confirm" on the checkout page
        self.refresh()
        self.assertEqual(order.amount_total, 0.0)
        response = self.url_open("/shop/payment/validate")
        self.assertTrue(response.url.endswith("/shop/payment?terms_error=1"), response.url)
        self.assertIn("accept the terms and conditions", response.text)
        self.refresh()
        self.assertEqual(order.state, "draft", "not confirmed without the terms")

        self.accept_terms()
        self.refresh()
        self.assertEqual(order.terms_accepted_user_id, self.website.user_id, "a guest: the website's public user")
        self.assertEqual(order.terms_accepted_partner_id, order.partner_id)
        self.assertEqual(order.amount_total, 0.0)
        response = self.url_open("/shop/payment/validate")
        self.assertTrue(response.url.endswith("/shop/confirmation"), response.url)
        self.refresh()
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------- tax IDs
    def test_tax_id_typed_at_checkout_reaches_the_invoice(self):
        order = self.add_to_cart()
        response = self.address_form(vat="0301234567")
        self.assertEqual(form_errors(response.text), ([], []))
        self.refresh()
        customer = order.partner_id
        self.assertEqual(customer.name, "Pham Thi Dung")
        self.assertEqual(customer.vat, "0301234567")
        order.action_confirm()
        invoice = self.env["account.invoice"].browse(order.action_invoice_create())
        invoice.action_invoice_open()
        self.assertEqual(invoice.partner_id, customer)
        html = self.env.ref("account.account_invoices").render_qweb_html(invoice.ids)[0].decode()
        # under the customer's address: the add-on's block, or sale's copy of it for
        # users of "Customer Addresses" (sale.group_delivery_invoice_address)
        self.assertRegex(html, r"(?s)TIN: <span[^>]*>0301234567</span>")

    def test_terms_recorded_in_printed_order(self):
        order = self.add_to_cart()
        order._record_terms_acceptance(self.env.user, "10.1.2.3")
        html = self.env.ref("sale.action_report_saleorder").render_qweb_html(order.ids)[0].decode()
        self.assertIn("10.1.2.3", html)
        self.assertIn(order.terms_hash[:16], html)

    def test_unknown_payment_method(self):
        order = self.add_to_cart()
        self.address_form()
        for bad in (999999, "abc"):
            result = self.pay_with(bad)
            self.assertIn("payment method is not available", result["error"]["data"]["message"])
        unpublished = self.env.ref("soon_ecommerce_orders.payment_acquirer_pay_in_store")
        unpublished.website_published = False
        result = self.pay_with(unpublished.id)
        self.assertIn("payment method is not available", result["error"]["data"]["message"])
        self.refresh()
        self.assertFalse(order.payment_tx_ids)

    # ---------------------------------------------------------- query budget
    @contextlib.contextmanager
    def addon_bypassed(self):
        """The add-on's code on the cart and checkout routes reduced to Odoo's own."""
        SaleOrder, Website = sale_order_module.SaleOrder, website_module.Website

        def prepare(website, partner, pricelist):
            return super(Website, website)._prepare_sale_order_values(partner, pricelist)

        def onchange(order):
            return super(SaleOrder, order).onchange_partner_id()

        with (
            patch.object(SaleOrder, "_touch_cart", lambda order: None),
            patch.object(Website, "_prepare_sale_order_values", prepare),
            patch.object(SaleOrder, "onchange_partner_id", onchange),
            patch.object(
                SoonWebsiteSale,
                "checkout_form_validate",
                lambda ctrl, *a: super(SoonWebsiteSale, ctrl).checkout_form_validate(*a),
            ),
        ):
            yield

    def count(self, request):
        before = self.query_count()
        request()
        return self.query_count() - before

    def test_query_budget(self):
        self.authenticate("soon_portal", "soon_portal")
        self.add_to_cart()

        def update_json():
            self.json_rpc("/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1})

        def confirm_order():
            self.url_open("/shop/confirm_order")

        for request in (update_json, confirm_order):
            request()  # warm the caches
            with self.addon_bypassed():
                without = min(self.count(request) for _ in range(2))
            with_addon = min(self.count(request) for _ in range(2))
            self.assertLessEqual(
                with_addon - without,
                2,
                "%s: %d queries with the add-on, %d without" % (request.__name__, with_addon, without),
            )
