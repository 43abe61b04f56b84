# -*- coding: utf-8 -*-
"""In real Chromium, with delivery methods on the payment page as on the demo
shop: "Pay Now" stays disabled until the terms box is ticked (website_sale_delivery
enables it once the delivery price is computed), and a refusal of the server
for the terms reads as a message next to the box, not a "Server Error"."""

from odoo.tests import common

from soon_testing.common import SoonHttpCase, browser

from ..models.settings_keys import PARAM_TERMS_REQUIRED

REFUSAL = "Please accept the terms and conditions to confirm your order."


@common.at_install(False)
@common.post_install(True)
class TestTermsBrowser(SoonHttpCase):
    def setUp(self):
        super().setUp()
        env = self.env
        self.use_english_website()  # REFUSAL is the English text, whatever the demo shop's language
        env["ir.config_parameter"].sudo().set_param(PARAM_TERMS_REQUIRED, "1")
        self.cod = env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        self.cod.website_published = True
        self.product = env["product.product"].create(
            {"name": "SoOn Terms Teacup", "type": "consu", "list_price": 12.0, "website_published": True}
        )
        # two delivery methods, one priced by rules (its price is computed by
        # website_sale_delivery's script when the page loads, as a carrier's API would)
        env["delivery.carrier"].search([]).write({"website_published": False})
        shipping = env["product.product"].create({"name": "SoOn Courier", "type": "service", "list_price": 0})
        self.carrier = env["delivery.carrier"].create(
            {
                "name": "SoOn Courier",
                "product_id": shipping.id,
                "delivery_type": "base_on_rule",
                "website_published": True,
                "sequence": 1,
                "price_rule_ids": [
                    (0, 0, {"variable": "price", "operator": ">=", "max_value": 0, "list_base_price": 3.0})
                ],
            }
        )
        env["delivery.carrier"].create(
            {
                "name": "SoOn Pick-up Point",
                "product_id": shipping.id,
                "delivery_type": "fixed",
                "fixed_price": 1.0,
                "website_published": True,
                "sequence": 2,
            }
        )

    def checkout_to_payment(self, page):
        base = self.base_url
        page.goto("%s/shop/product/%d" % (base, self.product.product_tmpl_id.id))
        page.click("#add_to_cart")
        page.wait_for_url("**/shop/cart")
        page.click("a[href='/shop/checkout']")
        page.wait_for_url("**/shop/address")
        page.fill("input[name=name]", "Đặng Văn Hùng")
        page.fill("input[name=email]", "hung@example.com")
        page.fill("input[name=phone]", "0987 111 222")
        page.fill("input[name=street]", "5 Hai Bà Trưng")
        page.fill("input[name=city]", "Huế")
        page.select_option("select[name=country_id]", str(self.vietnam_id))
        with page.expect_navigation():
            page.click("form.checkout_autoformat a.a-submit")
        page.click("a[href='/shop/confirm_order']")
        page.wait_for_url("**/shop/payment")

    def test_pay_now_waits_for_the_terms_despite_the_delivery_script(self):
        self.vietnam_id = self.env.ref("base.vn").id
        self.sync()
        with browser(self.base_url, self.session_id, lang="en_US") as (page, errors):
            self.checkout_to_payment(page)
            # website_sale_delivery computed the price of the chosen method (its
            # "compute" badge is hidden) and, in the same callback, enabled "Pay Now"
            computed = "#delivery_carrier input[value='%d']:checked ~ .o_delivery_compute.hidden" % self.carrier.id
            page.wait_for_selector(computed, state="attached")
            pay = page.locator("#o_payment_form_pay")
            self.assertTrue(pay.is_disabled(), "Pay Now re-enabled before the terms are accepted")
            page.check("input[data-provider='transfer'][value='form_%d']" % self.cod.id)

            with page.expect_response("**/shop/terms/accept"):
                page.check("#soon_terms_accept")
            page.wait_for_function("!document.querySelector('#o_payment_form_pay').disabled")
            self.assertFalse(page.is_visible(".o_soon_terms_hint"))

            # the acceptance disappears on the server (another tab): the refusal is readable
            with self.locked() as env:
                order = env["sale.order"].search([("partner_id.name", "=", "Đặng Văn Hùng")])
                self.assertEqual(len(order), 1)
                order.sudo().write({"terms_accepted_date": False})
                self.http_cr.commit()
            with page.expect_response("**/shop/payment/transaction/**"):
                pay.click()
            page.wait_for_selector(".o_soon_terms_hint.alert-danger")
            self.assertIn(REFUSAL, page.inner_text(".o_soon_terms_hint"))
            self.assertNotIn("Server Error", page.inner_text("#wrap"))
            self.assertFalse(page.is_checked("#soon_terms_accept"))
            self.assertTrue(pay.is_disabled())

            # accepting again pays
            with page.expect_response("**/shop/terms/accept"):
                page.check("#soon_terms_accept")
            page.wait_for_function("!document.querySelector('#o_payment_form_pay').disabled")
            pay.click()
            page.wait_for_url("**/shop/confirmation")
            with self.locked():
                self.assertEqual(order.state, "sent")
                self.assertTrue(order.terms_accepted_date)
                self.assertEqual(order.carrier_id, self.carrier)
            # ajax.js logs every JSON-RPC error on the console: the expected refusal only
            unexpected = [error for error in errors if not ("Server application error" in error and REFUSAL in error)]
            self.assertEqual(unexpected, [])
