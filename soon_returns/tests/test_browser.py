"""A portal customer returns one of two delivered items in real Chromium and
finds the request in /my/returns; staff approve it in the back office.
Screenshots go to docs/images/soon_returns_*.png for the user guide."""

import contextlib

from odoo.tests import common

from soon_testing.common import browser, login, screenshot

from .test_portal import PortalReturnsCase


@common.at_install(False)
@common.post_install(True)
class TestReturnJourney(PortalReturnsCase):
    def setUp(self):
        super().setUp()
        self.order = self._delivered_order(self.customer.partner_id, [(self.product_a, 1), (self.product_b, 1)])
        self.line_a = self._line(self.order, self.product_a)
        self._sync()
        self.authenticate("ret_customer", "ret_customer")

    @contextlib.contextmanager
    def _db_lock(self):
        """Read the database between the browser's requests, never during one
        (they share the test cursor)."""
        self.http_cr.acquire()
        try:
            yield
        finally:
            self.http_cr.release()

    def test_customer_returns_one_of_two_items(self):
        lid = self.line_a.id
        with browser(self.base_url, self.session_id) as (page, errors):
            page.context.add_cookies([{"name": "frontend_lang", "value": "en_US", "url": self.base_url + "/"}])
            page.goto("%s/my/orders/%d" % (self.base_url, self.order.id))
            page.wait_for_selector(".o_portal_return_button")
            screenshot(page, "soon_returns_order_page")
            page.click(".o_portal_return_button")
            page.wait_for_selector("form.o_return_form")
            self.assertEqual(page.locator("tr.o_return_line").count(), 2)

            # forgetting the reason: the form comes back with the quantity kept
            page.fill("input[name='qty-%d']" % lid, "1")
            page.click("button.o_return_submit")
            page.wait_for_selector(".o_return_error[data-field='reason-%d']" % lid)
            self.assertEqual(page.input_value("input[name='qty-%d']" % lid), "1")
            screenshot(page, "soon_returns_form_error")

            page.select_option("select[name='reason-%d']" % lid, str(self.reason_changed.id))
            page.fill("textarea[name='comment-%d']" % lid, "Too bright for my desk")
            page.check("input[name='method'][value='pickup']")
            screenshot(page, "soon_returns_form")
            page.click("button.o_return_submit")
            page.wait_for_selector(".o_portal_return_page")
            page.wait_for_load_state("networkidle")
            with self._db_lock():
                self.refresh()
                request = self.Request.search([("order_id", "=", self.order.id)])
                self.assertEqual(len(request), 1)
                self.assertEqual(request.line_ids.product_id, self.product_a)
                self.assertEqual(request.line_ids.quantity, 1.0)
                self.assertEqual(request.return_method, "pickup")
                request_name = request.name
            self.assertEqual(page.inner_text(".o_return_name"), request_name)
            screenshot(page, "soon_returns_request")

            page.goto(self.base_url + "/my/returns")
            page.wait_for_selector("table.o_my_returns")
            self.assertIn(request_name, page.inner_text("table.o_my_returns"))
            self.assertIn("Submitted", page.inner_text("table.o_my_returns"))
            screenshot(page, "soon_returns_my_returns")

            # staff approve it from Sales > Returns
            approve = ".o_form_statusbar .o_statusbar_buttons button:has-text('Approve')"
            # straight onto the form: a fresh web client that loads this record only
            login(
                page,
                self.base_url,
                "admin",
                redirect="/web#id=%d&model=return.request&view_type=form" % request.id,
                selector=approve,
            )
            page.click(approve)
            page.wait_for_selector(".o_statusbar_status button.btn-primary:has-text('Approved')")
            page.wait_for_selector(".o_form_view .oe_stat_button:has-text('Transfers')")
            screenshot(page, "soon_returns_backoffice")
            page.wait_for_load_state("networkidle")
            with self._db_lock():
                self.refresh()
                self.assertEqual(request.state, "approved")
                self.assertEqual(len(request.picking_ids), 1)
            self.assertEqual(errors, [])
