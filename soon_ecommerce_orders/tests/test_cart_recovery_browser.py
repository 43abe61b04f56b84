# -*- coding: utf-8 -*-
"""Abandoned-cart reminders in real Chromium: the shop manager switches them
on in the settings, the customer's email is rendered and its "Resume your
order" button restores the cart; the recovery figures on the dashboard and in
the analysis.  The screenshots illustrate the user guide."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import common

from soon_testing.common import SoonHttpCase, browser, open_url, screenshot

from ..models.settings_keys import PARAM_ACTIVATION, PARAM_AUTO


@common.at_install(False)
@common.post_install(True)
class TestCartRecoveryBrowser(SoonHttpCase):
    def setUp(self):
        super().setUp()
        self.params = self.env["ir.config_parameter"].sudo()
        self.params.set_param(PARAM_AUTO, False)
        self.params.set_param(PARAM_ACTIVATION, False)
        self.params.set_param("web.base.url", self.base_url)
        self.cron = self.env.ref("soon_ecommerce_orders.ir_cron_cart_recovery")

    def backend(self, page, action):
        """Open a back-office action in a fresh page load (the session is the
        test's, logged in as admin)."""
        # the first visit of the back office may build its assets: open_url gives it time
        open_url(page, "%s/web#action=%s" % (self.base_url, action), ".o_web_client .o_content")

    def test_settings_switch_on(self):
        self.authenticate("admin", "admin")
        with browser(self.base_url, self.session_id, viewport=(1400, 1000)) as (page, errors):
            self.backend(page, "website.action_website_configuration")
            box = page.locator("#soon_cart_recovery_setting")
            box.wait_for()
            self.assertIn("Automatically send abandoned checkout emails", box.inner_text())
            self.assertTrue(box.locator("input[type=checkbox]").first.is_visible())
            self.assertFalse(page.locator("text=Skip carts older than").is_visible(), "shown once switched on")
            box.locator("input[type=checkbox]").first.check()
            page.locator("text=Skip carts older than").wait_for()
            page.evaluate(
                'document.querySelector("#soon_email_marketing_settings").previousElementSibling.scrollIntoView()'
            )
            page.wait_for_selector(".o_loading", state="hidden")
            screenshot(page, "soon_ecommerce_orders_abandoned_settings")
            with page.expect_response("**/web/dataset/call_button"):
                page.click(".o_control_panel button:has-text('Save')")
            page.wait_for_selector("#soon_cart_recovery_setting")
            self.assertEqual(errors, [])
        self.refresh()
        self.assertEqual(self.params.get_param(PARAM_AUTO), "1")
        self.assertTrue(self.params.get_param(PARAM_ACTIVATION))
        self.assertTrue(self.cron.active)

    def test_email_resume_and_analysis(self):
        env = self.env
        self.params.set_param(PARAM_AUTO, "1")
        self.params.set_param(PARAM_ACTIVATION, fields.Datetime.to_string(datetime.utcnow() - timedelta(days=1)))
        customer = env["res.partner"].create({"name": "Lê Thị Hoa", "email": "hoa@example.com"})
        products = [
            env["product.product"].create(
                {
                    "name": name,
                    "type": "consu",
                    "list_price": price,
                    "website_published": True,
                    "taxes_id": [(6, 0, [])],
                }
            )
            for name, price in (("Hà Đông Silk Scarf", 35.0), ("Bát Tràng Tea Set", 120.0))
        ]
        cart = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "website_order": True,
                "team_id": env.ref("sales_team.salesteam_website_sales").id,
                "order_line": [
                    (0, 0, {"product_id": products[0].id, "product_uom_qty": 2, "price_unit": 35.0}),
                    (0, 0, {"product_id": products[1].id, "product_uom_qty": 1, "price_unit": 120.0}),
                ],
            }
        )
        cart.cart_last_activity = fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=3))
        env["sale.cart.recovery.job"]._send_cart_reminders()
        mail = env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", cart.id)])
        self.assertEqual(len(mail), 1)
        self.sync()
        with browser(self.base_url, self.session_id, viewport=(760, 900)) as (page, errors):
            # the email as the customer sees it (a blank page: the links are absolute)
            page.set_content(
                "<html><head><meta charset='utf-8'><title>%s</title></head>"
                "<body style='background:#f4f4f4;padding:24px'><div style='background:#fff;"
                "padding:16px'><p style='color:#666'><b>%s</b></p>%s</div></body></html>"
                % (mail.subject, mail.subject, mail.body_html)
            )
            rows = page.locator("table tr")
            self.assertEqual(rows.count(), 4, "header, two products, total")
            self.assertIn("Hà Đông Silk Scarf", rows.nth(1).inner_text())
            self.assertIn("2 Unit", rows.nth(1).inner_text())
            self.assertIn("190.00", rows.nth(3).inner_text())
            screenshot(page, "soon_ecommerce_orders_abandoned_email")
            # "Resume your order": the customer (a guest) gets this very cart back
            with page.expect_navigation():
                page.click("text=Resume your order")
            page.wait_for_url("**/shop/cart")
            page.wait_for_selector("#cart_products")
            self.assertIn("Bát Tràng Tea Set", page.inner_text("#cart_products"))
            screenshot(page, "soon_ecommerce_orders_abandoned_resume")
            self.assertEqual(errors, [])

        cart.action_confirm()  # recovered
        self.authenticate("admin", "admin")
        with browser(self.base_url, self.session_id, viewport=(1280, 900)) as (page, errors):
            open_url(page, self.base_url + "/web#action=website.backend_dashboard", ".o_dashboard_cart_recovery")
            block = page.locator(".o_dashboard_cart_recovery")
            self.assertIn("abandoned cart recovery", block.inner_text().lower())
            self.assertNotEqual(page.inner_text(".o_soon_recovery_recovered").strip(), "0")
            block.scroll_into_view_if_needed()
            page.wait_for_selector(".o_loading", state="hidden")
            screenshot(page, "soon_ecommerce_orders_abandoned_dashboard")
            self.backend(page, "soon_ecommerce_orders.sale_cart_recovery_report_action")
            page.wait_for_selector(".o_pivot table")
            self.assertIn("Carts Recovered", page.inner_text(".o_pivot"))
            page.wait_for_selector(".o_loading", state="hidden")
            screenshot(page, "soon_ecommerce_orders_abandoned_analysis")
            self.assertEqual(errors, [])
