# -*- coding: utf-8 -*-
"""Journeys in real Chromium: a guest pays cash on delivery after accepting
the terms; staff find the order in Unpaid Orders and confirm it."""

from odoo.tests import common

from soon_testing.common import SoonHttpCase, browser, login, open_url, screenshot

from ..models.settings_keys import PARAM_TERMS_REQUIRED


@common.at_install(False)
@common.post_install(True)
class TestBrowserCheckout(SoonHttpCase):
    def setUp(self):
        super().setUp()
        env = self.env
        self.use_english_website()  # the texts below are the English ones, whatever the demo shop's language
        env["ir.config_parameter"].sudo().set_param(PARAM_TERMS_REQUIRED, "1")
        self.cod = env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        self.cod.website_published = True
        self.product = env["product.product"].create(
            {
                "name": "SoOn Journey Teapot",
                "type": "product",
                "list_price": 42.0,
                "website_published": True,
            }
        )
        env["stock.quant"]._update_available_quantity(self.product, env.ref("stock.stock_location_stock"), 10)

    def test_guest_cash_on_delivery_then_staff_confirm(self):
        base = self.base_url
        self.sync()
        vietnam_id = self.env.ref("base.vn").id
        with browser(base, self.session_id, lang="en_US") as (page, errors):
            page.goto("%s/shop/product/%d" % (base, self.product.product_tmpl_id.id))
            page.click("#add_to_cart")
            page.wait_for_url("**/shop/cart")
            page.click("a[href='/shop/checkout']")
            page.wait_for_url("**/shop/address")
            page.fill("input[name=name]", "Hoàng Thị Giang")
            page.fill("input[name=email]", "giang@example.com")
            page.fill("input[name=phone]", "0987 654 321")
            page.fill("input[name=street]", "99 Trần Hưng Đạo")
            page.fill("input[name=city]", "Đà Nẵng")
            page.select_option("select[name=country_id]", str(vietnam_id))
            with page.expect_navigation():
                page.click("form.checkout_autoformat a.a-submit")
            self.assertIn(
                "/shop/checkout",
                page.url,
                "address refused: %s %s"
                % (
                    page.locator(".text-danger").all_inner_texts(),
                    page.eval_on_selector_all(".has-error [name]", "els => els.map(e => e.name)"),
                ),
            )
            page.click("a[href='/shop/confirm_order']")
            page.wait_for_url("**/shop/payment")

            pay = page.locator("#o_payment_form_pay")
            self.assertTrue(pay.is_disabled(), "paying is impossible before accepting the terms")
            page.check("input[data-provider='transfer'][value='form_%d']" % self.cod.id)
            screenshot(page, "soon_ecommerce_orders_checkout_terms")
            with page.expect_response("**/shop/terms/accept"):
                page.check("#soon_terms_accept")
            page.wait_for_function("!document.querySelector('#o_payment_form_pay').disabled")
            pay.click()
            page.wait_for_url("**/shop/confirmation")
            self.assertIn("Cash on delivery", page.inner_text("#wrap"))
            screenshot(page, "soon_ecommerce_orders_confirmation_cod")

            with self.locked() as env:
                order = env["sale.order"].search([("partner_id.name", "=", "Hoàng Thị Giang")])
                self.assertEqual(len(order), 1)
                self.assertEqual((order.state, order.payment_status), ("sent", "pending"))
                self.assertEqual(order.partner_id.phone, "+84 987 654 321")
                self.assertTrue(order.terms_accepted_date)
                self.assertFalse(order.picking_ids)
                order_name = order.name
                unpaid_action = env.ref("website_sale.action_unpaid_orders_ecommerce").id
                settings_action = env.ref("website.action_website_configuration").id

            # staff: Website > Orders > Unpaid Orders, then Confirm and Reserve
            # logged in straight onto the action: a fresh web client that loads it only
            login(page, base, "admin", "admin", redirect="/web#action=%d" % unpaid_action)
            row = page.locator(".o_list_view tr.o_data_row", has_text=order_name)
            row.wait_for(timeout=120000)  # the first back-office page compiles its assets
            self.assertIn("Pending", row.inner_text())
            screenshot(page, "soon_ecommerce_orders_unpaid_orders")
            row.click()
            confirm = page.locator(".o_form_statusbar button:visible", has_text="Confirm and Reserve")
            confirm.wait_for()
            screenshot(page, "soon_ecommerce_orders_order_form")
            confirm.click()
            page.wait_for_selector(".o_statusbar_status button.btn-primary:has-text('Sales Order')")
            with self.locked():
                self.assertEqual(order.state, "sale")
                self.assertEqual(order.picking_ids.state, "assigned")

            open_url(page, "%s/web#action=%d" % (base, settings_action), "#soon_terms_setting")
            page.locator("#checkout_assignation_setting").scroll_into_view_if_needed()
            screenshot(page, "soon_ecommerce_orders_settings")
            self.assertEqual(errors, [])
