# -*- coding: utf-8 -*-
"""The back-office journey in real Chromium: select deliveries in the list,
Action > Process Deliveries, read the result; the label, the flagged phone,
the settings and the customer's email, photographed for the user guide."""

from lxml import html as lxml_html
from odoo.tests import common

from soon_testing.common import SoonHttpCase, browser, open_url, screenshot
from soon_testing.languages import ensure_language


@common.at_install(False)
@common.post_install(True)
class TestDeliveryFlowBrowser(SoonHttpCase):
    def setUp(self):
        super().setUp()
        env = self.env
        self.company = env.user.company_id
        self.company.write({"shipped_email_enabled": True})
        self.admin = env["res.users"].search([("login", "=", "admin")])
        self.admin.lang = "en_US"
        vietnam = env.ref("base.vn")
        sender = env["res.partner"].create(
            {
                "name": "SoOn Shop Da Nang",
                "is_company": True,
                "street": "12 Nguyen Van Linh",
                "city": "Da Nang",
                "zip": "550000",
                "country_id": vietnam.id,
                "phone": "+84 236 3888 999",
            }
        )
        self.warehouse = env["stock.warehouse"].create(
            {
                "name": "Browser Pick Pack Ship",
                "code": "BRW",
                "delivery_steps": "pick_pack_ship",
                "partner_id": sender.id,
            }
        )
        unit = env.ref("product.product_uom_unit")

        def product(name, weight, qty):
            record = env["product.product"].create(
                {
                    "name": name,
                    "type": "product",
                    "weight": weight,
                    "list_price": 20.0,
                    "uom_id": unit.id,
                    "uom_po_id": unit.id,
                }
            )
            if qty:
                env["stock.quant"]._update_available_quantity(record, self.warehouse.lot_stock_id, qty)
            return record

        self.tea_set = product("Ceramic Tea Set", 1.2, 10)
        self.vase = product("Lacquer Vase", 0.9, 0)
        self.carrier = env["delivery.carrier"].create(
            {
                "name": "Express Courier",
                "delivery_type": "fixed",
                "fixed_price": 5.0,
                "tracking_url_template": "https://tracking.example.com/parcel?code={ref}",
                "product_id": env["product.product"].create({"name": "Express Courier", "type": "service"}).id,
            }
        )

        def customer(name, phone, **extra):
            values = {
                "name": name,
                "street": "25 Hang Bac",
                "city": "Ha Noi",
                "zip": "100000",
                "country_id": vietnam.id,
                "phone": phone,
                "email": "%s@example.com" % name.split()[-1].lower(),
                "lang": "en_US",
                "customer": True,
            }
            values.update(extra)
            return env["res.partner"].create(values)

        self.lan = customer("Nguyen Thi Lan", "0912 345 678")
        self.minh = customer("Tran Van Minh", "call after 6pm", street="88 Le Loi", city="Ho Chi Minh City")
        self.anh = customer("Le Hoang Anh", "+84 234 3822 111", street="5 Tran Phu", city="Hue")

        def order(name, partner, product_, qty, policy="direct"):
            record = env["sale.order"].create(
                {
                    "name": name,
                    "partner_id": partner.id,
                    "warehouse_id": self.warehouse.id,
                    "picking_policy": policy,
                    "carrier_id": self.carrier.id,
                    "order_line": [(0, 0, {"product_id": product_.id, "product_uom_qty": qty})],
                }
            )
            record.action_confirm()
            return record

        self.order_ready = order("BRW-1001", self.lan, self.tea_set, 2)
        self.order_phone = order("BRW-1002", self.minh, self.tea_set, 1)
        self.order_missing = order("BRW-1003", self.anh, self.vase, 1, policy="one")
        self._keep_nested_savepoints()

    def _keep_nested_savepoints(self):
        """In Odoo 11's HTTP test mode every request shares one cursor whose
        "commit" is RELEASE + SAVEPOINT test_cursor, which also releases the
        savepoints opened since, such as the one each order is processed in
        (Odoo commits that cursor mid-request when a cold cache is filled
        through a LazyCursor). A commit that only opens a new savepoint keeps
        them, as a real commit of another cursor would in production."""
        cr = self.registry.test_cr
        cr.commit = lambda: cr.execute("SAVEPOINT test_cursor")
        self.addCleanup(vars(cr).pop, "commit", None)

    def _wait(self, page, selector):
        """Wait for the result of server work (deliveries processed, labels printed
        through wkhtmltopdf): slow on a loaded machine.  A failure leaves the
        screenshot, HTML and console under artifacts/browser (see browser())."""
        page.wait_for_selector(selector, timeout=120000)

    def _search(self, page, text):
        page.wait_for_selector(".o_searchview_input")
        page.click(".o_searchview_input")
        page.keyboard.type(text)
        page.wait_for_selector(".o_searchview_autocomplete li")
        page.keyboard.press("Enter")

    def _delivery(self, order):
        return order.picking_ids.filtered(lambda p: p._is_customer_delivery())

    def test_process_deliveries_from_the_list(self):
        self.authenticate("admin", "admin")
        action = self.env.ref("stock.action_picking_tree_all")
        with browser(self.base_url, self.session_id) as (page, errors):
            open_url(
                page, "%s/web#action=%d&model=stock.picking&view_type=list" % (self.base_url, action.id), ".o_list_view"
            )
            self._search(page, "BRW-")
            page.wait_for_function("document.querySelectorAll('.o_list_view tbody tr.o_data_row').length === 9")
            page.click(".o_list_view thead .o_list_record_selector input")
            page.click(".o_cp_sidebar button.o_dropdown_toggler_btn:has-text('Action')")
            page.click(".o_cp_sidebar .dropdown-menu a:has-text('Process Deliveries')")
            self._wait(page, ".modal button[name=action_process]")
            self.assertIn("9 selected", page.inner_text(".modal .o_form_view"))
            screenshot(page, "soon_delivery_flow_wizard")

            page.click(".modal button[name=action_process]")
            self._wait(page, ".modal .o_field_one2many .o_data_row")
            result = page.inner_text(".modal .o_form_view")
            screenshot(page, "soon_delivery_flow_result")
            self.assertEqual(errors, [])

        self.refresh()
        self.env["stock.picking"]._cron_send_shipped_emails()
        self.assertIn("2 shipped", " ".join(result.split()))
        self.assertIn("1 left untouched", " ".join(result.split()))
        self.assertIn("Not enough stock", result)
        self.assertIn("Lacquer Vase", result)
        self.assertIn("shipping-labels", result, "the labels came out with the result")
        for order in (self.order_ready, self.order_phone):
            self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
            self.assertEqual(
                len(
                    self.env["mail.mail"].search(
                        [("model", "=", "stock.picking"), ("res_id", "=", self._delivery(order).id)]
                    )
                ),
                1,
            )
        self.assertEqual(self._delivery(self.order_missing).state, "waiting")

    def test_label_phone_flag_settings_and_email_for_the_guide(self):
        for order in (self.order_ready, self.order_phone):
            wizard = self.env["soon.delivery.process"].create(
                {"sale_order_ids": [(6, 0, order.ids)], "print_labels": False}
            )
            wizard.action_process()
        delivery = self._delivery(self.order_ready)
        delivery.carrier_tracking_ref = "EXP0012345VN"
        self.env["stock.picking"]._cron_send_shipped_emails()
        flagged = self._delivery(self.order_phone)
        self.assertTrue(flagged.label_phone_invalid)
        self.authenticate("admin", "admin")
        settings = self.env.ref("stock.action_stock_config_settings")
        with browser(self.base_url, self.session_id, viewport=(900, 1100)) as (page, errors):
            # the label as HTML (the PDF is the same page through wkhtmltopdf)
            page.goto("%s/report/html/soon_delivery_flow.report_shipping_label/%d" % (self.base_url, delivery.id))
            page.wait_for_selector(".soon_shipping_label")
            self.assertIn("0912 345 678", page.inner_text(".soon_shipping_label"))
            screenshot(page, "soon_delivery_flow_label")

            page.set_viewport_size({"width": 1280, "height": 900})
            open_url(
                page,
                "%s/web#id=%d&model=stock.picking&view_type=form" % (self.base_url, flagged.id),
                ".o_form_view .o_soon_phone_warning",
            )
            self.assertIn("call after 6pm", page.inner_text(".o_soon_phone_warning"))
            screenshot(page, "soon_delivery_flow_phone_check")

            open_url(page, "%s/web#action=%d" % (self.base_url, settings.id), "#shipped_email_setting")
            page.locator("#shipped_email_setting").scroll_into_view_if_needed()
            self.assertIn("Email Confirmation When the Delivery Is Done", page.inner_text("#shipped_email_setting"))
            screenshot(page, "soon_delivery_flow_settings")

            # the customer's email, as queued (the web client may still be polling)
            with self.locked() as env:
                mail = env["mail.mail"].search([("model", "=", "stock.picking"), ("res_id", "=", delivery.id)])
                self.assertEqual(len(mail), 1)
                subject, body_html = mail.subject, mail.body_html
            page.set_content(
                "<html><body style='background:#f0f0f0;padding:24px'>"
                "<div style='background:#fff;max-width:640px;margin:auto;padding:24px'>"
                "<h3 style='font-family:Arial'>%s</h3>%s</div></body></html>" % (subject, body_html)
            )
            screenshot(page, "soon_delivery_flow_email")
            self.assertEqual(errors, [])
        body = lxml_html.fromstring(body_html).text_content()
        self.assertIn("Ceramic Tea Set", body)

    def test_result_in_vietnamese(self):
        ensure_language(self.env, "vi_VN")
        self.admin.lang = "vi_VN"
        self.authenticate("admin", "admin")
        action = self.env.ref("sale.action_orders")
        with browser(self.base_url, self.session_id, locale="vi-VN") as (page, errors):
            open_url(
                page, "%s/web#action=%d&model=sale.order&view_type=list" % (self.base_url, action.id), ".o_list_view"
            )
            self._search(page, "BRW-")
            page.wait_for_function("document.querySelectorAll('.o_list_view tbody tr.o_data_row').length === 3")
            page.click(".o_list_view thead .o_list_record_selector input")
            page.click(".o_cp_sidebar button.o_dropdown_toggler_btn >> nth=1")
            page.click(".o_cp_sidebar .dropdown-menu a:has-text('Xử lý giao hàng')")
            page.wait_for_selector(".modal button[name=action_process]")
            page.click(".modal button[name=action_process]")
            self._wait(page, ".modal .o_field_one2many .o_data_row")
            result = page.inner_text(".modal .o_form_view")
            screenshot(page, "soon_delivery_flow_result_vi")
            self.assertEqual(errors, [])
        self.assertIn("Không đủ hàng trong kho", result)
        self.assertIn("giữ nguyên", result)
