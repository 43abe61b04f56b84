# -*- coding: utf-8 -*-
"""The VietQR code on the customer's pages and its image route, over HTTP."""

import odoo
from lxml import html

from soon_testing.common import SoonHttpCase

from .common import ACCOUNT, HOLDER, VietQrData, decode_qr


class TestVietQrHttp(VietQrData, SoonHttpCase):
    def setUp(self):
        super().setUp()
        self._vietqr_setup(self.env)
        self.portal_user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Tran Thi Binh",
                    "login": "binh-vietqr",
                    "password": "binh-vietqr",
                    "partner_id": self.customer.id,
                    "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
                }
            )
        )

    def _confirmation_page(self, order):
        """/shop/confirmation as the browser that placed ``order`` sees it."""
        self.url_open("/shop")  # a session for this opener
        session = odoo.http.root.session_store.get(self.session_id)
        session["sale_last_order_id"] = order.id
        odoo.http.root.session_store.save(session)
        response = self.url_open("/shop/confirmation")
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.text)

    def _image(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        return response.content

    def test_confirmation_page_shows_the_code_and_the_details(self):
        order = self._vietqr_order(self.env)
        page = self._confirmation_page(order)
        blocks = page.xpath("//div[contains(@class, 'o_vietqr_details')]")
        self.assertEqual(len(blocks), 1)
        block = blocks[0]

        def cell(name):
            return " ".join(
                block.xpath(".//*[contains(concat(' ', @class, ' '), ' o_vietqr_%s ')]" % name)[0]
                .text_content()
                .split()
            )

        self.assertEqual(cell("bank"), "Vietcombank")
        self.assertEqual(cell("account"), ACCOUNT)
        self.assertEqual(cell("holder"), HOLDER)
        self.assertEqual(cell("reference"), order.vietqr_reference)
        self.assertRegex(cell("amount"), r"250[.,]000")
        # the image the page shows decodes to the order's VietQR, its CRC valid
        source = block.xpath(".//img[contains(@class, 'o_vietqr_image')]/@src")[0]
        self.assertPayloadOf(decode_qr(self._image(source)), order)

    def test_no_code_in_another_currency_or_without_an_account(self):
        usd = self._vietqr_order(self.env, pricelist=self.pricelist_usd)
        page = self._confirmation_page(usd)
        self.assertIn(usd.name, page.text_content())
        self.assertFalse(page.xpath("//div[contains(@class, 'o_vietqr_details')]"))
        self.assertEqual(self.url_open(usd._vietqr_image_url()).status_code, 404)

        vnd = self._vietqr_order(self.env)
        self.transfer.vietqr_bank_id = False
        page = self._confirmation_page(vnd)
        self.assertIn(vnd.name, page.text_content())
        self.assertFalse(page.xpath("//div[contains(@class, 'o_vietqr_details')]"))

    def test_image_needs_the_orders_token_or_owner(self):
        mine = self._vietqr_order(self.env)
        theirs = self._vietqr_order(self.env, partner=self.stranger)
        base = "/shop/vietqr/%d/qr.png"
        # anonymous: the token opens it, nothing else
        self.assertPayloadOf(decode_qr(self._image(theirs._vietqr_image_url())), theirs)
        for url in (
            base % theirs.id,
            base % theirs.id + "?access_token=",
            base % theirs.id + "?access_token=" + mine.access_token,
            base % theirs.id + "?access_token=%C3%A9",  # non-ASCII (was a 500 from consteq)
            base % 999999999 + "?access_token=" + theirs.access_token,
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        # a logged-in customer: their own order without the token, never another's
        self.authenticate("binh-vietqr", "binh-vietqr")
        self.assertPayloadOf(decode_qr(self._image(base % mine.id)), mine)
        self.assertEqual(self.url_open(base % theirs.id).status_code, 404)

    def test_portal_order_page_shows_the_code_while_unpaid(self):
        order = self._vietqr_order(self.env)
        self.authenticate("binh-vietqr", "binh-vietqr")
        page = html.fromstring(self.url_open("/my/orders/%d" % order.id).text)
        references = page.xpath("//*[contains(@class, 'o_vietqr_reference')]")
        self.assertEqual([" ".join(node.text_content().split()) for node in references], [order.vietqr_reference])
        order.payment_tx_id.state = "done"
        page = html.fromstring(self.url_open("/my/orders/%d" % order.id).text)
        self.assertIn(order.name, page.text_content())
        self.assertFalse(page.xpath("//div[contains(@class, 'o_vietqr_details')]"))
        self.assertEqual(self.url_open(order._vietqr_image_url()).status_code, 404)
