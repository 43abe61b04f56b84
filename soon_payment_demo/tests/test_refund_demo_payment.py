"""The demo acquirer's payment page through real HTTP requests: a customer
pays (or is declined), and nobody pays another amount or another order."""

from lxml import html
from odoo.tests import common

from soon_testing.common import SoonHttpCase

from .common import RefundsDataMixin


@common.at_install(False)
@common.post_install(True)
class TestDemoPaymentPage(RefundsDataMixin, SoonHttpCase):
    def setUp(self):
        super().setUp()
        self._setup_refund_data()
        self.use_english_website()
        self.order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.partner_id.id,
                "team_id": self.env.ref("sales_team.salesteam_website_sales").id,
                "website_order": True,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 2, "price_unit": 50.0})],
            }
        )
        Tx = self.env["payment.transaction"]
        self.tx = Tx._check_or_create_sale_tx(self.order, self.demo)
        self.form = dict(self.tx._soon_demo_form_data(outcome=None), return_url="/shop/payment/validate")

    def _post(self, url, data):
        self.sync()
        return self.opener.post(self.base_url + url, data=data, timeout=60, allow_redirects=False)

    def _pay_page(self, data=None):
        response = self._post("/payment/soon_demo/pay", data or self.form)
        self.assertEqual(response.status_code, 200, response.text[:300])
        return html.fromstring(response.text)  # decoded as the header says: the company name precedes <meta charset>

    def _submit(self, page, **changes):
        """Post the page's form as the browser would, with ``changes``."""
        form = page.xpath("//form[hasclass('o_soon_demo_form')]")[0]
        data = {field.get("name"): field.get("value") for field in form.xpath(".//input[@type='hidden']")}
        data["outcome"] = "done"
        data.update(changes)
        return self._post(form.get("action"), data)

    def _refreshed(self):
        self.refresh()
        return self.tx.state, self.order.state, self.order.payment_status

    def test_customer_pays_on_the_demo_page(self):
        page = self._pay_page()
        self.assertEqual(page.xpath("string(//span[hasclass('o_soon_demo_reference')])"), self.tx.reference)
        self.assertIn("110.00", page.xpath("string(//span[hasclass('o_soon_demo_amount')])"))
        self.assertTrue(page.xpath("//input[@name='outcome'][@value='error']"))
        response = self._submit(page)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/shop/payment/validate"))
        self.assertEqual(self._refreshed(), ("done", "sale", "paid"))
        self.assertEqual(self.tx.acquirer_reference, "demo_ch_%s" % self.tx.reference)

    def test_declined_card(self):
        self._submit(self._pay_page(), outcome="error")
        self.assertEqual(self._refreshed(), ("error", "draft", "not_paid"))
        self.assertEqual(self.tx.state_message, "The demo card was declined.")

    def test_acquirer_can_decide_the_outcome(self):
        self.demo.soon_demo_payment_outcome = "pending"
        page = self._pay_page()
        self.assertFalse(page.xpath("//input[@name='outcome']"))
        self._submit(page, outcome="done")
        self.assertEqual(self._refreshed(), ("pending", "sent", "pending"))

    def test_forged_forms_are_refused(self):
        forged = dict(self.form, amount="1.0")
        self.assertEqual(self._post("/payment/soon_demo/pay", forged).status_code, 404)
        forged = dict(self.form, signature="0" * 64)
        self.assertEqual(self._post("/payment/soon_demo/pay", forged).status_code, 404)
        self.assertEqual(self._post("/payment/soon_demo/feedback", dict(forged, outcome="done")).status_code, 400)
        page = self._pay_page()
        self.assertEqual(self._submit(page, signature="0" * 64).status_code, 404)
        self.assertEqual(self._submit(page, csrf_token="forged").status_code, 400)
        other = self.env["payment.transaction"].create(
            {
                "acquirer_id": self.env.ref("payment.payment_acquirer_transfer").id,
                "amount": 110.0,
                "currency_id": self.tx.currency_id.id,
                "partner_country_id": self.env.ref("base.us").id,
                "reference": "NOT-A-DEMO-TX",
            }
        )
        Tx = self.env["payment.transaction"]
        not_demo = dict(
            self.form,
            reference=other.reference,
            signature=Tx._soon_demo_signature(other.reference, other.amount, other.currency_id.name),
        )
        self.assertEqual(self._post("/payment/soon_demo/pay", not_demo).status_code, 404)
        self.assertEqual(self._refreshed(), ("draft", "draft", "not_paid"))
        self.assertEqual(other.state, "draft")

    def test_return_url_stays_on_the_site(self):
        page = self._pay_page(dict(self.form, return_url="//evil.example/steal"))
        response = self._submit(page)
        self.assertTrue(response.headers["Location"].endswith("/shop/payment/validate"))
        self.assertNotIn("evil", response.headers["Location"])

    def test_junk_is_404_never_a_500(self):
        """NaN, infinite amounts, a non-ASCII signature, a NUL: 404, no
        traceback in the log, nothing written."""
        page = self._pay_page()
        with self.assertNoLogs("odoo", level="ERROR"):
            for junk in (
                {"amount": "nan"},
                {"amount": "inf"},
                {"amount": "-inf"},
                {"amount": "1e400"},
                {"signature": "é" * 64},
                {"reference": "a\x00b"},
            ):
                with self.subTest(junk=junk):
                    self.assertEqual(self._post("/payment/soon_demo/pay", dict(self.form, **junk)).status_code, 404)
                    self.assertEqual(self._submit(page, **junk).status_code, 404)
        self.assertEqual(self._refreshed(), ("draft", "draft", "not_paid"))
        self.assertFalse(self.tx.acquirer_reference)

    def test_no_demo_payment_where_demo_payments_are_disabled(self):
        """Even unpublished, the demo acquirer pays nothing outside a demo shop."""
        page = self._pay_page()
        self.env["ir.config_parameter"].set_param("soon.demo_payments_enabled", "False")
        with self.assertNoLogs("odoo", level="ERROR"):
            self.assertEqual(self._post("/payment/soon_demo/pay", self.form).status_code, 404)
            self.assertEqual(self._submit(page).status_code, 404)
        self.assertEqual(self._refreshed(), ("draft", "draft", "not_paid"))
        # the feedback itself (however it is reached) refuses too
        self.env["payment.transaction"].sudo().form_feedback(self.tx._soon_demo_form_data(), "soon_demo")
        self.assertEqual(self._refreshed(), ("error", "draft", "not_paid"))
        self.assertFalse(self.tx.acquirer_reference)
