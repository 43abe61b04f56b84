"""The portal return form through real HTTP requests: a logged-in customer, a
visitor holding the order's access token, and strangers.  Every refusal shows
its message next to the field, keeps the input and creates nothing."""

import os
import re
from unittest import mock

from lxml import html
from odoo.tests import common
from PIL import Image
from werkzeug.wrappers import base_request

from soon_testing.common import SoonHttpCase

from ..models.return_request import MAX_PHOTOS_PER_LINE
from .common import ReturnsDataMixin, png_bytes


class PortalReturnsCase(ReturnsDataMixin, SoonHttpCase):
    def setUp(self):
        super().setUp()
        self._setup_returns_data()
        self.order = self._delivered_order(self.customer.partner_id, [(self.product_a, 3), (self.product_b, 1)])
        self.line_a = self._line(self.order, self.product_a)
        self.line_b = self._line(self.order, self.product_b)
        self.Request = self.env["return.request"]
        # pages in English whatever the website's default language
        self.use_english_website()
        self._sync()

    def _sync(self):
        """Make this test's writes survive the next request.

        The HTTP server's test cursor rolls back to its last "commit" (a
        savepoint) when a request ends: records written by the test must be
        committed on that cursor first. The test still rolls back as a whole.
        """
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.refresh()

    def refresh(self):
        self.env.cache.invalidate()

    def authenticate(self, user, password):
        # Odoo 11's HttpCase.authenticate reads the user on the test's own
        # cursor; users created here live on the HTTP server's test cursor.
        own_cr, self.cr = self.cr, self.http_cr
        try:
            return super().authenticate(user, password)
        finally:
            self.cr = own_cr

    # helpers ------------------------------------------------------------
    def _get(self, url):
        return self.opener.get(self.base_url + url, timeout=30, allow_redirects=False)

    def _doc(self, response):
        self.assertEqual(response.status_code, 200, response.text[:500])
        return html.fromstring(response.text)  # decoded as the header says: the company name precedes <meta charset>

    def _form_url(self, order=None, token=None):
        order = order or self.order
        return "/my/orders/%d/return%s" % (order.id, "?access_token=%s" % token if token else "")

    def _post(self, data, files=None, order=None, token=None, csrf=True):
        url = self._form_url(order, token)
        data = dict(data)
        if csrf:
            page = self._doc(self._get(url))
            data["csrf_token"] = page.xpath("//input[@name='csrf_token']/@value")[0]
        if token:
            data["access_token"] = token
        return self.opener.post(self.base_url + url, data=data, files=files or [], timeout=30, allow_redirects=False)

    def _count(self):
        self.refresh()
        return self.Request.search_count([("order_id", "=", self.order.id)])

    def _assert_refused(self, response, field, message, before):
        """The form is shown again, the message is next to ``field``, nothing is created."""
        doc = self._doc(response)
        self.assertTrue(doc.xpath("//form[hasclass('o_return_form')]"))
        errors = doc.xpath("//*[hasclass('o_return_error')][@data-field='%s']" % field)
        self.assertTrue(
            errors,
            "no message for %s in %s"
            % (field, [(e.get("data-field"), e.text_content()) for e in doc.xpath("//*[hasclass('o_return_error')]")]),
        )
        self.assertIn(message, errors[0].text_content())
        self.assertEqual(self._count(), before)
        return doc

    def _input_value(self, doc, name):
        nodes = doc.xpath("//*[@name='%s']" % name)
        self.assertTrue(nodes, name)
        node = nodes[0]
        if node.tag == "textarea":
            return node.text or ""
        if node.tag == "select":
            selected = node.xpath("option[@selected]/@value")
            return selected[0] if selected else ""
        return node.get("value")


@common.at_install(False)
@common.post_install(True)
class TestPortalCustomer(PortalReturnsCase):
    def setUp(self):
        super().setUp()
        self.authenticate("ret_customer", "ret_customer")

    def test_order_page_shows_return_button_only_when_returnable(self):
        doc = self._doc(self._get("/my/orders/%d" % self.order.id))
        self.assertEqual(
            doc.xpath("//a[hasclass('o_portal_return_button')]/@href"), ["/my/orders/%d/return" % self.order.id]
        )
        undelivered = self.env["sale.order"].create(
            {
                "partner_id": self.customer.partner_id.id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1})],
            }
        )
        undelivered.action_confirm()
        final = self._delivered_order(self.customer.partner_id, [(self.product_final, 1)])
        self._sync()
        for order in (undelivered, final):
            doc = self._doc(self._get("/my/orders/%d" % order.id))
            self.assertFalse(doc.xpath("//a[hasclass('o_portal_return_button')]"), order.name)

    def test_form_lists_delivered_lines_with_returnable_quantity(self):
        self.Request._portal_submit(self.order, self._form(self.order, [(self.product_a, 1, self.reason_changed, "")]))
        self._sync()
        doc = self._doc(self._get(self._form_url()))
        rows = {int(r.get("data-line-id")): r for r in doc.xpath("//tr[hasclass('o_return_line')]")}
        self.assertEqual(set(rows), {self.line_a.id, self.line_b.id})
        qty = {
            lid: row.xpath(".//td[hasclass('o_returnable_qty')]")[0].text_content().strip() for lid, row in rows.items()
        }
        self.assertEqual(qty, {self.line_a.id: "2", self.line_b.id: "1"})
        reasons = rows[self.line_a.id].xpath(".//select/option/text()")
        self.assertIn("Changed my mind", [r.strip() for r in reasons])

    def test_submit_creates_request_and_shows_it(self):
        before = self._count()
        response = self._post(
            {
                "qty-%d" % self.line_a.id: "2",
                "reason-%d" % self.line_a.id: str(self.reason_damaged.id),
                "comment-%d" % self.line_a.id: "Cracked shade",
                "method": "pickup",
            },
            files=[("photos-%d" % self.line_a.id, ("shade.jpg", png_bytes(fmt="JPEG"), "image/jpeg"))],
        )
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertEqual(self._count(), before + 1)
        request = self.Request.search([("order_id", "=", self.order.id)], limit=1)
        self.assertTrue(response.headers["Location"].endswith("/my/returns/%d" % request.id))
        self.assertEqual(request.line_ids.quantity, 2.0)
        self.assertEqual(request.return_method, "pickup")
        self.assertEqual(request.line_ids.photo_ids.mimetype, "image/jpeg")
        ack = request.message_ids.filtered(lambda m: "we received your return request" in (m.subject or ""))
        self.assertIn(self.customer.partner_id, ack.partner_ids)
        # its page: lines, status and history
        doc = self._doc(self._get("/my/returns/%d" % request.id))
        self.assertEqual(doc.xpath("//span[hasclass('o_return_name')]/text()"), [request.name])
        self.assertEqual(doc.xpath("string(//span[hasclass('o_return_state')])").strip(), "Submitted")
        self.assertIn("Cracked shade", doc.xpath("string(//td[hasclass('o_return_comment')])"))
        self.assertEqual(len(doc.xpath("//ul[hasclass('o_return_history')]/li")), 1)
        # the list and the portal home counter
        doc = self._doc(self._get("/my/returns"))
        self.assertIn(request.name, doc.xpath("//tr[hasclass('o_my_return_row')]//a/text()"))
        doc = self._doc(self._get("/my/home"))
        self.assertEqual(doc.xpath("string(//li[hasclass('o_portal_returns_entry')]/span)"), "1")

    def test_history_follows_the_back_office(self):
        request = self.Request._portal_submit(
            self.order, self._form(self.order, [(self.product_a, 1, self.reason_changed, "")])
        )
        request._reject("Opened <b>and</b> used")
        self._sync()
        doc = self._doc(self._get("/my/returns/%d" % request.id))
        self.assertEqual(
            [li.text_content().split("—")[-1].strip() for li in doc.xpath("//ul[hasclass('o_return_history')]/li")],
            ["Submitted", "Rejected"],
        )
        reason = doc.xpath("//div[hasclass('o_return_reject_reason')]")[0]
        self.assertIn("Opened <b>and</b> used", reason.text_content())

    def test_output_is_escaped(self):
        script = "<script>alert('x')</script>"
        response = self._post(
            {
                "qty-%d" % self.line_a.id: "1",
                "reason-%d" % self.line_a.id: str(self.reason_other.id),
                "comment-%d" % self.line_a.id: script,
                "method": "dropoff",
            }
        )
        self.assertEqual(response.status_code, 303)
        page = self._get(response.headers["Location"].replace(self.base_url, "")).text
        self.assertNotIn(script, page)
        self.assertIn("&lt;script&gt;", page)
        # and in a refused form that shows the input again
        response = self._post(
            {
                "qty-%d" % self.line_b.id: "5",
                "reason-%d" % self.line_b.id: str(self.reason_other.id),
                "comment-%d" % self.line_b.id: script,
                "method": "dropoff",
            }
        )
        self.assertNotIn(script, response.text)
        self.assertIn("&lt;script&gt;", response.text)

    def test_csrf_is_enforced(self):
        before = self._count()
        response = self._post(
            {
                "qty-%d" % self.line_a.id: "1",
                "reason-%d" % self.line_a.id: str(self.reason_changed.id),
                "method": "dropoff",
            },
            csrf=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._count(), before)

    def test_kept_photo_survives_a_refusal(self):
        before = self._count()
        lid = self.line_a.id
        response = self._post(
            {
                "qty-%d" % lid: "1",
                "reason-%d" % lid: str(self.reason_damaged.id),
                "method": "dropoff",
            },
            files=[("photos-%d" % lid, ("proof.png", png_bytes(), "image/png"))],
        )
        doc = self._assert_refused(response, "comment-%d" % lid, "This reason requires a comment", before)
        kept = doc.xpath("//input[@name='kept-photos-%d']/@value" % lid)
        self.assertEqual(len(kept), 1)
        self.assertTrue(kept[0].startswith("proof.png:"))
        response = self._post(
            {
                "qty-%d" % lid: "1",
                "reason-%d" % lid: str(self.reason_damaged.id),
                "method": "dropoff",
                "comment-%d" % lid: "Dented",
                "kept-photos-%d" % lid: kept[0],
            }
        )
        self.assertEqual(response.status_code, 303)
        request = self.Request.search([("order_id", "=", self.order.id)], limit=1)
        self.assertEqual(request.line_ids.photo_ids.name, "proof.png")


@common.at_install(False)
@common.post_install(True)
class TestPortalRefusals(PortalReturnsCase):
    """Each refusal: the message next to the field, the input kept, nothing created."""

    def setUp(self):
        super().setUp()
        self.authenticate("ret_customer", "ret_customer")
        self.before = self._count()

    def _data(self, qty="1", reason=None, comment="", line=None, method="dropoff"):
        lid = (line or self.line_a).id
        reason = self.reason_changed if reason is None else reason
        return {
            "qty-%d" % lid: qty,
            "reason-%d" % lid: str(reason.id) if reason else "",
            "comment-%d" % lid: comment,
            "method": method,
        }

    def test_quantity_above_returnable(self):
        doc = self._assert_refused(
            self._post(self._data(qty="4", comment="keep me")),
            "qty-%d" % self.line_a.id,
            "You can return at most 3 of this item.",
            self.before,
        )
        self.assertEqual(self._input_value(doc, "qty-%d" % self.line_a.id), "4")
        self.assertEqual(self._input_value(doc, "comment-%d" % self.line_a.id), "keep me")
        self.assertEqual(self._input_value(doc, "reason-%d" % self.line_a.id), str(self.reason_changed.id))

    def test_quantity_zero_everywhere(self):
        self._assert_refused(
            self._post(self._data(qty="0")), "lines", "Enter the quantity to return for at least one item.", self.before
        )

    def test_quantity_negative(self):
        doc = self._assert_refused(
            self._post(self._data(qty="-2")), "qty-%d" % self.line_a.id, "Enter a quantity above zero.", self.before
        )
        self.assertEqual(self._input_value(doc, "qty-%d" % self.line_a.id), "-2")

    def test_quantity_not_a_number(self):
        doc = self._assert_refused(
            self._post(self._data(qty="two")), "qty-%d" % self.line_a.id, "Enter a number.", self.before
        )
        self.assertEqual(self._input_value(doc, "qty-%d" % self.line_a.id), "two")

    def test_line_of_another_customers_order(self):
        other = self._delivered_order(self.stranger.partner_id, [(self.product_a, 2)])
        self._sync()
        data = self._data()
        data["qty-%d" % other.order_line.id] = "1"
        data["reason-%d" % other.order_line.id] = str(self.reason_changed.id)
        self._assert_refused(
            self._post(data), "lines", "Your request contains an item that is not part of this order.", self.before
        )
        self.assertFalse(self.Request.search([("order_id", "=", other.id)]))

    def test_non_returnable_product(self):
        self.order = self._delivered_order(self.customer.partner_id, [(self.product_a, 1), (self.product_final, 1)])
        self._sync()
        self.before = self._count()
        final_line = self._line(self.order, self.product_final)
        self._assert_refused(
            self._post(self._data(line=final_line), order=self.order),
            "qty-%d" % final_line.id,
            "final sale",
            self.before,
        )

    def test_outside_the_return_window(self):
        self.product_a.return_window_days = 10
        self.order = self._delivered_order(self.customer.partner_id, [(self.product_a, 1), (self.product_b, 1)], 20)
        self._sync()
        self.before = self._count()
        line = self._line(self.order, self.product_a)
        self._assert_refused(
            self._post(self._data(line=line), order=self.order),
            "qty-%d" % line.id,
            "The return period for this item ended on",
            self.before,
        )

    def test_reason_missing(self):
        doc = self._assert_refused(
            self._post(self._data(reason=False, comment="no reason")),
            "reason-%d" % self.line_a.id,
            "Choose a reason.",
            self.before,
        )
        self.assertEqual(self._input_value(doc, "qty-%d" % self.line_a.id), "1")

    def test_reason_not_allowed_for_the_product(self):
        self.product_a.return_reason_ids = [(6, 0, self.reason_damaged.ids)]
        self._sync()
        self._assert_refused(
            self._post(self._data()),
            "reason-%d" % self.line_a.id,
            "This reason is not available for this item.",
            self.before,
        )

    def test_comment_required_by_the_reason(self):
        doc = self._assert_refused(
            self._post(self._data(reason=self.reason_other)),
            "comment-%d" % self.line_a.id,
            "This reason requires a comment: describe the problem.",
            self.before,
        )
        self.assertEqual(self._input_value(doc, "reason-%d" % self.line_a.id), str(self.reason_other.id))

    def test_photo_required_by_the_reason(self):
        self._assert_refused(
            self._post(self._data(reason=self.reason_wrong)),
            "photos-%d" % self.line_a.id,
            "This reason requires at least one photo.",
            self.before,
        )

    def test_file_that_is_not_an_image(self):
        files = [("photos-%d" % self.line_a.id, ("holiday.jpg", b"%PDF-1.4 not a picture", "image/jpeg"))]
        self._assert_refused(
            self._post(self._data(), files=files),
            "photos-%d" % self.line_a.id,
            "“holiday.jpg” is not an image (JPEG, PNG, GIF or WebP).",
            self.before,
        )

    def test_image_too_large(self):
        import io

        noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
        buffer = io.BytesIO()
        noise.save(buffer, format="PNG")
        self.assertGreater(len(buffer.getvalue()), 1024 * 1024)
        files = [("photos-%d" % self.line_a.id, ("big.png", buffer.getvalue(), "image/png"))]
        self._assert_refused(
            self._post(self._data(), files=files),
            "photos-%d" % self.line_a.id,
            "“big.png” is larger than 1 MB.",
            self.before,
        )

    def test_return_method_missing(self):
        self._assert_refused(
            self._post(self._data(method="")), "method", "Choose how you will send the items back.", self.before
        )


@common.at_install(False)
@common.post_install(True)
class TestPortalAccess(PortalReturnsCase):
    """Access-token visitors may use the links from emails; strangers get 404."""

    def _request(self):
        request = self.Request._portal_submit(
            self.order, self._form(self.order, [(self.product_a, 1, self.reason_changed, "")])
        )
        self._sync()
        return request

    def test_access_token_visitor_submits_and_follows(self):
        token = self.order.access_token
        doc = self._doc(self._get("/my/orders/%d?access_token=%s" % (self.order.id, token)))
        self.assertEqual(
            doc.xpath("//a[hasclass('o_portal_return_button')]/@href"),
            ["/my/orders/%d/return?access_token=%s" % (self.order.id, token)],
        )
        before = self._count()
        response = self._post(
            {
                "qty-%d" % self.line_b.id: "1",
                "reason-%d" % self.line_b.id: str(self.reason_changed.id),
                "method": "dropoff",
            },
            token=token,
        )
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertEqual(self._count(), before + 1)
        request = self.Request.search([("order_id", "=", self.order.id)], limit=1)
        self.assertEqual(request.partner_id, self.customer.partner_id)
        location = response.headers["Location"]
        self.assertTrue(location.endswith("/my/returns/%d?access_token=%s" % (request.id, request.access_token)))
        self.assertEqual(self._get(location.replace(self.base_url, "")).status_code, 200)
        self.assertEqual(self._get("/my/returns/%d" % request.id).status_code, 404)

    def test_access_token_visitor_refusal_keeps_the_token(self):
        token = self.order.access_token
        before = self._count()
        response = self._post(
            {
                "qty-%d" % self.line_b.id: "9",
                "reason-%d" % self.line_b.id: str(self.reason_changed.id),
                "method": "dropoff",
            },
            token=token,
        )
        doc = self._assert_refused(response, "qty-%d" % self.line_b.id, "You can return at most 1", before)
        self.assertEqual(doc.xpath("//input[@name='access_token']/@value"), [token])

    def test_stranger_logged_in_gets_404(self):
        request = self._request()
        self.authenticate("ret_stranger", "ret_stranger")
        before = self._count()
        self.assertEqual(self._get(self._form_url()).status_code, 404)
        # a valid CSRF token of the stranger's own session (from a page they may see), so only the
        # add-on's access control can refuse the POST (a missing token would be refused with 400)
        csrf = re.search(r'csrf_token: "([^"]+)"', self._doc(self._get("/my")).xpath("string(//head)"))
        self.assertTrue(csrf, "no CSRF token on the stranger's /my page")
        response = self.opener.post(
            self.base_url + self._form_url(),
            data={
                "qty-%d" % self.line_a.id: "1",
                "reason-%d" % self.line_a.id: str(self.reason_changed.id),
                "method": "dropoff",
                "csrf_token": csrf.group(1),
            },
            timeout=30,
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._count(), before)
        self.assertEqual(self._get("/my/returns/%d" % request.id).status_code, 404)
        doc = self._doc(self._get("/my/returns"))
        self.assertFalse(doc.xpath("//tr[hasclass('o_my_return_row')]"))
        # a wrong token does not help
        self.assertEqual(
            self._get("/my/returns/%d?access_token=%s" % (request.id, self.order.access_token)).status_code, 404
        )

    def test_stranger_not_logged_in_gets_404(self):
        request = self._request()
        self.assertEqual(self._get(self._form_url()).status_code, 404)
        self.assertEqual(self._get(self._form_url(token="not-the-token")).status_code, 404)
        self.assertEqual(self._get("/my/returns/%d" % request.id).status_code, 404)
        self.assertEqual(self._get("/my/returns/%d?access_token=wrong" % request.id).status_code, 404)
        self.assertEqual(self._get("/my/returns/999999999").status_code, 404)
        self.assertEqual(self._get("/my/orders/999999999/return").status_code, 404)


@common.at_install(False)
@common.post_install(True)
class TestPortalBadInput(PortalReturnsCase):
    """Junk a visitor can send: a 404 or the form again with a message, never
    a 500, no traceback in the log, nothing written."""

    def _data(self, qty="1", line=None):
        lid = (line or self.line_a).id
        return {"qty-%d" % lid: qty, "reason-%d" % lid: str(self.reason_changed.id), "method": "dropoff"}

    def test_non_ascii_tokens_and_missing_orders_are_404(self):
        request = self.Request._portal_submit(
            self.order, self._form(self.order, [(self.product_a, 1, self.reason_changed, "")])
        )
        self._sync()
        before = self._count()
        with self.assertNoLogs("odoo", level="ERROR"):
            self.assertEqual(self._get("/my/returns/%d?access_token=é" % request.id).status_code, 404)
            self.assertEqual(self._get(self._form_url(token="é")).status_code, 404)
            self.assertEqual(self._get("/my/orders/999999999/return?access_token=é").status_code, 404)
        self.assertEqual(self._count(), before)

    def test_missing_order_is_404_for_staff_too(self):
        # the administrator passes every access check: the order itself is missing
        self.authenticate("admin", "admin")
        with self.assertNoLogs("odoo", level="ERROR"):
            self.assertEqual(self._get("/my/orders/999999999/return").status_code, 404)
            self.assertEqual(self._get("/my/returns/999999999").status_code, 404)

    def test_superscript_digits_are_not_numbers(self):
        self.authenticate("ret_customer", "ret_customer")
        before = self._count()
        with self.assertNoLogs("odoo", level="ERROR"):
            self.assertEqual(self._get("/my/returns?page=²").status_code, 200)
            self._assert_refused(self._post(self._data(qty="²")), "qty-%d" % self.line_a.id, "Enter a number.", before)
            # "²".isdigit() is True, but int("²") raises: a line id and a reason id of "²"
            data = self._data()
            data.update({"qty-²": "1", "reason-²": "1"})
            self._assert_refused(
                self._post(data), "lines", "Your request contains an item that is not part of this order.", before
            )
            data = self._data()
            data["reason-%d" % self.line_a.id] = "²"
            self._assert_refused(self._post(data), "reason-%d" % self.line_a.id, "Choose a reason.", before)

    def test_nul_characters_are_dropped(self):
        # PostgreSQL refuses NUL in text: the comment would end in a 500
        self.authenticate("ret_customer", "ret_customer")
        data = self._data()
        data["comment-%d" % self.line_a.id] = "Dented\x00 box"
        with self.assertNoLogs("odoo", level="ERROR"):
            response = self._post(data)
        self.assertEqual(response.status_code, 303, response.text[:300])
        request = self.Request.search([("order_id", "=", self.order.id)], limit=1)
        self.assertEqual(request.line_ids.comment, "Dented box")

    def test_half_a_unit_is_refused(self):
        self.authenticate("ret_customer", "ret_customer")
        self.assertEqual(self.line_a.product_uom, self.env.ref("product.product_uom_unit"))
        before = self._count()
        for qty in ("0.5", "1,5"):
            doc = self._assert_refused(
                self._post(self._data(qty=qty)),
                "qty-%d" % self.line_a.id,
                "Enter a whole number: this item is returned by the unit.",
                before,
            )
            self.assertEqual(self._input_value(doc, "qty-%d" % self.line_a.id), qty)
        self.assertEqual(self._post(self._data(qty="2")).status_code, 303)
        self.assertEqual(self._count(), before + 1)


@common.at_install(False)
@common.post_install(True)
class TestPortalPhotoLimits(PortalReturnsCase):
    """Photos are counted and measured while they are read, the request has a
    size cap, and a retried request keeps its photos."""

    def setUp(self):
        super().setUp()
        self.authenticate("ret_customer", "ret_customer")
        self.before = self._count()

    def _data(self, reason=None):
        lid = self.line_a.id
        return {
            "qty-%d" % lid: "1",
            "reason-%d" % lid: str((reason or self.reason_damaged).id),
            "comment-%d" % lid: "Broken",
            "method": "dropoff",
        }

    def _spy_validate(self):
        """Record the size of every file ``_portal_validate`` receives."""
        seen = []
        Model = type(self.env["return.request"])
        original = Model._portal_validate

        def spy(model, order, form, files):
            seen.append({key: [len(data) for _name, data in uploads] for key, uploads in files.items()})
            return original(model, order, form, files)

        patcher = mock.patch.object(Model, "_portal_validate", spy)
        patcher.start()
        self.addCleanup(patcher.stop)
        return seen

    def test_too_many_photos_are_refused_unread(self):
        seen = self._spy_validate()
        key = "photos-%d" % self.line_a.id
        files = [(key, ("p%d.png" % i, png_bytes(), "image/png")) for i in range(MAX_PHOTOS_PER_LINE + 1)]
        self._assert_refused(
            self._post(self._data(), files=files), key, "Attach at most %d photos" % MAX_PHOTOS_PER_LINE, self.before
        )
        self.assertEqual(seen, [{key: [0] * (MAX_PHOTOS_PER_LINE + 1)}])

    def _spy_upload_reads(self):
        """Record how many bytes are read back out of every uploaded file's
        stream (Werkzeug spools each upload into a stream made by
        ``default_stream_factory``; the route reads the photo from it)."""
        read = []
        original = base_request.default_stream_factory

        class Recording:
            def __init__(self, stream):
                self._stream = stream
                self._index = len(read)
                read.append(0)

            # a stream wrapper, not a model method
            def read(self, *args):  # pylint: disable=method-required-super
                data = self._stream.read(*args)
                read[self._index] += len(data)
                return data

            def __getattr__(self, name):
                return getattr(self._stream, name)

        def factory(*args, **kwargs):
            return Recording(original(*args, **kwargs))

        patcher = mock.patch.object(base_request, "default_stream_factory", factory)
        patcher.start()
        self.addCleanup(patcher.stop)
        return read

    def test_a_large_photo_is_read_only_up_to_the_limit(self):
        seen = self._spy_validate()
        read = self._spy_upload_reads()
        key = "photos-%d" % self.line_a.id
        big = png_bytes() + os.urandom(1024 * 1024 + 4096)  # 1 MB allowed
        self._assert_refused(
            self._post(self._data(), files=[(key, ("big.png", big, "image/png"))]), key, "larger than 1 MB", self.before
        )
        self.assertEqual(seen, [{key: [1024 * 1024 + 1]}])
        # the upload's stream gave up no more than the limit + 1 byte (reading it
        # whole and cutting it afterwards would give len(big))
        self.assertEqual(read, [1024 * 1024 + 1])

    def test_request_size_is_capped(self):
        self.company.return_photo_max_mb = 0.1
        self._sync()
        # two lines x 5 photos x 0.1 MB + 1 MB for the text: 2 MB at most
        key = "photos-%d" % self.line_a.id
        seen = self._spy_validate()
        response = self._post(self._data(), files=[(key, ("huge.png", os.urandom(2200 * 1024), "image/png"))])
        self.assertEqual(response.status_code, 413)
        doc = html.fromstring(response.text)  # decoded as the header says: the company name precedes <meta charset>
        message = doc.xpath("string(//*[hasclass('o_return_error')][@data-field='lines'])")
        self.assertIn("Your photos are too large: send at most 2 MB in all.", message)
        self.assertEqual(self._input_value(doc, "comment-%d" % self.line_a.id), "Broken")
        self.assertEqual(seen, [], "nothing was read nor validated")
        self.assertEqual(self._count(), self.before)

    def test_retried_submission_keeps_its_photos(self):
        """Odoo runs the route again after a serialization failure (two
        submissions on one order at once): the photos must still be there."""
        Model = type(self.env["return.request"])
        original = Model._portal_submit
        calls = []

        def conflict_once(model, order, form, files=None):
            calls.append({key: [len(data) for _name, data in uploads] for key, uploads in (files or {}).items()})
            if len(calls) == 1:
                model.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'concurrent update' USING ERRCODE = 'serialization_failure'; END $$",
                    log_exceptions=False,
                )
            return original(model, order, form, files)

        key = "photos-%d" % self.line_a.id
        photo = png_bytes(fmt="JPEG")
        with mock.patch.object(Model, "_portal_submit", conflict_once):
            response = self._post(self._data(), files=[(key, ("dent.jpg", photo, "image/jpeg"))])
        self.assertEqual(len(calls), 2, "Odoo retried the request once")
        self.assertEqual(calls[0], calls[1])
        self.assertEqual(calls[1], {key: [len(photo)]})
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertEqual(self._count(), self.before + 1)
        request = self.Request.search([("order_id", "=", self.order.id)], limit=1)
        self.assertEqual(request.line_ids.photo_ids.mapped("name"), ["dent.jpg"])
        self.assertEqual(request.line_ids.photo_ids.file_size, len(photo))
