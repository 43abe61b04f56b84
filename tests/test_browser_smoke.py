"""Browser smoke test: the shop and the back office work in real Chromium.

Playwright drives Debian's /usr/bin/chromium; any console error or uncaught
exception on any page fails the test.
"""

from odoo.tests import common

from soon_testing.common import SoonHttpCase, browser, login, screenshot


@common.at_install(False)
@common.post_install(True)
class TestBrowserSmoke(SoonHttpCase):
    def test_shop_cart_and_backoffice(self):
        with browser(self.base_url, self.session_id) as (page, errors):
            page.goto(self.base_url + "/shop")
            page.wait_for_selector("#products_grid")
            # the page is styled: Bootstrap's navbar has a computed height and no default margin
            self.assertNotEqual(page.evaluate("getComputedStyle(document.querySelector('.navbar')).minHeight"), "auto")
            page.click("#products_grid .oe_product_cart a[itemprop='name']")
            page.wait_for_selector("#add_to_cart")
            page.click("#add_to_cart")
            page.wait_for_url("**/shop/cart**")
            page.wait_for_selector("#cart_products tbody tr")
            rows = page.locator("#cart_products tbody tr").count()
            self.assertGreaterEqual(rows, 1)
            screenshot(page, "runtime_shop_cart")

            # the shop's requests may still be running: share the cursor's lock
            with self.locked() as env:
                order = env["sale.order"].search([], limit=1)
                name = order.name
            self.assertTrue(order, "demo data has sales orders")
            # logged in straight onto the form: a fresh web client that loads this record only
            login(
                page,
                self.base_url,
                "admin",
                "admin",
                redirect="/web#id=%d&model=sale.order&view_type=form" % order.id,
                selector=".o_form_view .o_field_widget[name=partner_id]",
            )
            self.assertIn(name, page.inner_text(".o_form_view"))
            screenshot(page, "runtime_backoffice_order")
            self.assertEqual(errors, [])
