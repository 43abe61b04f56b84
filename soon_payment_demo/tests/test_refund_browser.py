"""In real Chromium: a customer pays a website order with the demo acquirer,
a sales manager refunds it in full from the order form, and the customer's
order page shows "Refunded" with the credit note. Screenshots go to
docs/images/soon_returns_refund_*.png for the user guide."""

from odoo.tests import common

from soon_testing.common import SoonHttpCase, browser, english_website, login, screenshot

from .common import RefundsDataMixin


@common.at_install(False)
@common.post_install(True)
class TestRefundJourney(RefundsDataMixin, SoonHttpCase):
    def setUp(self):
        super().setUp()
        self._setup_refund_data()
        env = self.env
        english_website(env)
        env["ir.config_parameter"].sudo().set_param("soon_ecommerce_orders.terms_required", False)
        self.demo.write({"name": "Demo card", "website_published": True, "sequence": 0})
        self.product = env["product.product"].create(
            {
                "name": "SoOn Refund Kettle",
                "type": "product",
                "list_price": 40.0,
                "website_published": True,
                "taxes_id": [(6, 0, self.tax.ids)],
            }
        )
        env["stock.quant"]._update_available_quantity(self.product, env.ref("stock.stock_location_stock"), 10)
        self.customer.partner_id.write(
            {
                "street": "12 Lê Lợi",
                "city": "Huế",
                "country_id": env.ref("base.vn").id,
                "phone": "+84 912 345 678",
            }
        )

    def test_customer_pays_manager_refunds_customer_sees_refunded(self):
        base = self.base_url
        self.authenticate(self.customer.login, self.customer.login)
        with browser(base, self.session_id) as (page, errors):
            page.context.add_cookies([{"name": "frontend_lang", "value": "en_US", "url": base + "/"}])
            # the customer buys and pays with the demo card
            page.goto("%s/shop/product/%d" % (base, self.product.product_tmpl_id.id))
            page.click("#add_to_cart")
            page.wait_for_url("**/shop/cart**")
            page.goto(base + "/shop/checkout")
            page.click("a[href='/shop/confirm_order']")
            page.wait_for_url("**/shop/payment")
            page.check("input[data-provider='soon_demo'][value='form_%d']" % self.demo.id)
            page.click("#o_payment_form_pay")
            page.wait_for_selector(".o_soon_demo_pay")
            self.assertIn("44.00", page.inner_text(".o_soon_demo_amount"))
            screenshot(page, "soon_returns_refund_demo_payment")
            page.click(".o_soon_demo_pay_button")
            page.wait_for_url("**/shop/confirmation")
            with self.locked() as env:
                order = env["sale.order"].search([("partner_id", "=", self.customer.partner_id.id)])
                self.assertEqual(len(order), 1)
                self.assertEqual((order.state, order.payment_status, order.amount_total), ("sale", "paid", 44.0))
                self.assertTrue(order.website_order)
                order_id, order_name = order.id, order.name

            # a sales manager refunds it from the order form
            # (logged in straight onto the order's form: a fresh web client that
            # loads this record only, see soon_testing.common.login)
            login(
                page,
                base,
                "ref_manager",
                redirect="/web#id=%d&model=sale.order&view_type=form" % order_id,
                selector=".o_form_statusbar button.o_refund_button",
            )
            refund_button = page.locator(".o_form_statusbar button.o_refund_button")
            self.assertIn("Paid", page.inner_text(".o_form_view .o_field_widget[name=payment_status]"))
            screenshot(page, "soon_returns_refund_order")
            refund_button.click()
            dialog = page.locator(".modal-dialog:has(.o_refund_confirm)")
            dialog.wait_for()
            self.assertIn("44.00", dialog.locator(".o_refund_refundable").inner_text())
            screenshot(page, "soon_returns_refund_wizard")
            dialog.locator("button.o_refund_confirm").click()
            # the refund is server work (payment, credit note, reconciliation): slow under load
            page.wait_for_selector(
                ".o_form_view .o_field_widget[name=payment_status]:has-text('Refunded')", timeout=120000
            )
            page.wait_for_selector(".oe_stat_button:has-text('Refunds')")
            screenshot(page, "soon_returns_refund_done")
            page.wait_for_load_state("networkidle")
            with self.locked() as env:
                order = env["sale.order"].browse(order_id)
                refund = order.payment_tx_ids.filtered(lambda tx: tx.operation == "refund")
                self.assertEqual((refund.state, refund.amount), ("refunded", -44.0))
                self.assertEqual(refund.refund_user_id, self.manager)
                self.assertEqual(refund.refund_invoice_id.state, "paid")
                credit_note = refund.refund_invoice_id.number

            # the customer's order page
            login(
                page, base, self.customer.login, redirect="/my/orders/%d" % order_id, selector=".o_soon_payment_status"
            )
            self.assertEqual(page.inner_text(".o_soon_payment_status").strip(), "Refunded")
            self.assertIn(credit_note, page.inner_text(".o_portal_refunds"))
            self.assertIn(order_name, page.inner_text("h4"))
            screenshot(page, "soon_returns_refund_portal")
            self.assertEqual(errors, [])
