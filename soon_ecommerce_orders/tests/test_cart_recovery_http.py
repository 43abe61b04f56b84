# -*- coding: utf-8 -*-
"""The reminder's links through the real HTTP routes: "Resume your order"
restores that cart for that customer only; unsubscribe without logging in;
the Website dashboard figures."""

from datetime import datetime, timedelta

import odoo
from lxml import html
from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import common

from soon_testing.common import SoonHttpCase, make_portal_user, make_user

from ..models.settings_keys import PARAM_ACTIVATION, PARAM_AUTO


@common.at_install(False)
@common.post_install(True)
class TestCartRecoveryHttp(SoonHttpCase):
    def setUp(self):
        super().setUp()
        env = self.env
        self.product = env["product.product"].create(
            {"name": "SoOn Resume Teapot", "type": "consu", "list_price": 42.0, "website_published": True}
        )
        self.owner = make_portal_user(env, "Owner Customer", "soon_cart_owner", email="owner@example.com")
        self.stranger = make_portal_user(env, "Stranger", "soon_stranger", email="stranger@example.com")
        self.guest = env["res.partner"].create({"name": "Guest Customer", "email": "guest@example.com"})

    def cart_of(self, partner):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "website_order": True,
                "team_id": self.env.ref("sales_team.salesteam_website_sales").id,
                "cart_last_activity": fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=5)),
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2, "price_unit": 42.0})],
            }
        )
        self.env["sale.cart.recovery.reminder"].create(
            {
                "order_id": order.id,
                "partner_id": partner.id,
                "step": 1,
                "date": fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=4)),
            }
        )
        return order

    def resume_path(self, order):
        return "/shop/cart/resume/%d/%s" % (order.id, order.access_token)

    def get(self, path, redirects=False):
        self.sync()
        return self.opener.get(self.base_url + path, allow_redirects=redirects, timeout=30)

    def session_cart(self):
        return odoo.http.root.session_store.get(self.session_id).get("sale_order_id")

    # ------------------------------------------------------------------ resume
    def test_guest_link_restores_the_cart(self):
        cart = self.cart_of(self.guest)
        self.assertIn(self.resume_path(cart), cart.get_cart_recovery_url())
        before = cart.cart_last_activity
        response = self.get(self.resume_path(cart))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers["Location"].endswith("/shop/cart"))
        self.assertEqual(self.session_cart(), cart.id)
        page = self.get("/shop/cart").text
        self.assertIn("SoOn Resume Teapot", page)
        self.refresh()
        self.assertEqual(cart.partner_id, self.guest, "the cart stays the guest's")
        self.assertGreater(cart.cart_last_activity, before, "the customer came back: the reminders stop")
        self.assertTrue(cart.cart_recovery_reminder_ids.resumed_date)

    def test_customer_with_an_account_logs_in_first(self):
        cart = self.cart_of(self.owner.partner_id)
        response = self.get(self.resume_path(cart))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/web/login?redirect=", response.headers["Location"])
        self.assertIn("shop/cart/resume/%d" % cart.id, response.headers["Location"])
        self.assertFalse(self.session_cart())
        self.authenticate("soon_cart_owner", "soon_cart_owner")
        response = self.get(self.resume_path(cart))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.session_cart(), cart.id)
        self.assertIn("SoOn Resume Teapot", self.get("/shop/cart").text)
        self.refresh()
        self.assertEqual(cart.partner_id, self.owner.partner_id)

    def test_another_customer_cannot_take_the_cart(self):
        cart = self.cart_of(self.owner.partner_id)
        self.authenticate("soon_stranger", "soon_stranger")
        own_cart = self.cart_of(self.stranger.partner_id)
        self.get(self.resume_path(own_cart))
        self.assertEqual(self.session_cart(), own_cart.id)
        response = self.get(self.resume_path(cart))
        self.assertEqual(response.status_code, 403)
        tree = html.fromstring(response.text)
        self.assertTrue(
            tree.xpath("//div[contains(@class, 'o_soon_cart_resume')]//h2[contains(., 'belongs to another customer')]")
        )
        self.assertEqual(self.session_cart(), own_cart.id, "the stranger's session keeps their own cart")
        self.refresh()
        self.assertEqual(cart.partner_id, self.owner.partner_id)
        self.assertFalse(cart.cart_recovery_reminder_ids.resumed_date)

    def test_odoo_access_token_link_is_checked_the_same_way(self):
        """Odoo 11's /shop/cart?access_token=...&revive=merge moved the lines of
        anybody's cart into the visitor's cart and cancelled it."""
        cart = self.cart_of(self.owner.partner_id)
        self.authenticate("soon_stranger", "soon_stranger")
        own_cart = self.cart_of(self.stranger.partner_id)
        self.get(self.resume_path(own_cart))
        for revive in ("merge", "squash"):
            response = self.get("/shop/cart?access_token=%s&revive=%s" % (cart.access_token, revive))
            self.assertEqual(response.status_code, 403)
        self.refresh()
        self.assertEqual(cart.state, "draft")
        self.assertEqual(len(cart.order_line), 1)
        self.assertEqual(len(own_cart.order_line), 1)
        self.assertEqual(self.session_cart(), own_cart.id)
        # the owner's own session: Odoo's link restores the cart
        self.authenticate("soon_cart_owner", "soon_cart_owner")
        response = self.get("/shop/cart?access_token=%s" % cart.access_token)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.session_cart(), cart.id)

    def test_wrong_tokens(self):
        cart = self.cart_of(self.guest)
        other = self.cart_of(self.env["res.partner"].create({"name": "Other Guest", "email": "og@example.com"}))
        for path in (
            "/shop/cart/resume/%d/not-the-token" % cart.id,
            "/shop/cart/resume/%d/%s" % (cart.id, other.access_token),
            "/shop/cart/resume/999999999/%s" % cart.access_token,
            "/shop/cart?access_token=not-a-token",
        ):
            self.assertEqual(self.get(path).status_code, 404, path)
        self.assertFalse(self.session_cart())

    def test_already_ordered(self):
        cart = self.cart_of(self.guest)
        cart.action_confirm()
        response = self.get(self.resume_path(cart))
        self.assertEqual(response.status_code, 200)
        self.assertIn("already placed", response.text)
        self.assertIn("/my/orders/%d?access_token=" % cart.id, response.text)
        self.assertFalse(self.session_cart())

    # ------------------------------------------------------------- unsubscribe
    def test_unsubscribe_without_login(self):
        cart = self.cart_of(self.guest)
        url = cart.get_cart_recovery_unsubscribe_url()
        path = url[url.index("/shop/") :]
        page = self.get(path)
        self.assertEqual(page.status_code, 200)
        form = html.fromstring(page.text).xpath("//form[@action='%s']" % path)
        self.assertTrue(form, "a confirmation button, not an unsubscription on GET")
        self.refresh()
        self.assertFalse(self.guest.cart_recovery_opt_out)
        response = self.url_open(path, data={"confirm": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("You are unsubscribed", response.text)
        self.refresh()
        self.assertTrue(self.guest.cart_recovery_opt_out)
        self.assertTrue(self.guest.message_ids.filtered(lambda m: "Unsubscribed" in (m.body or "")))
        # the job leaves the customer alone
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_AUTO, "1")
        params.set_param(PARAM_ACTIVATION, fields.Datetime.to_string(datetime.utcnow() - timedelta(days=1)))
        job = self.env["sale.cart.recovery.job"]
        reminded = self.cart_of(self.env["res.partner"].create({"name": "Subscribed", "email": "sub@example.com"}))
        # due for reminder 1 (cart_of logs one already, which would make the job fail on any cart)
        (cart | reminded).mapped("cart_recovery_reminder_ids").unlink()
        job._send_cart_reminders()
        self.refresh()
        self.assertEqual(reminded.cart_recovery_step, 1, "the same cart of a subscribed customer is reminded")
        self.assertEqual(cart.cart_recovery_step, 0, "the unsubscribed customer is skipped")
        mails = self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", cart.id)])
        self.assertFalse(mails)
        # it is the opt-out that spares the cart: without it the next run reminds it
        self.guest.cart_recovery_opt_out = False
        job._send_cart_reminders()
        self.refresh()
        self.assertEqual(cart.cart_recovery_step, 1)

    def test_unsubscribe_token_is_checked(self):
        other = self.env["res.partner"].create({"name": "Victim", "email": "victim@example.com"})
        token = self.guest._cart_recovery_unsubscribe_token()
        for path in (
            "/shop/cart/unsubscribe/%d/%s" % (other.id, token),
            "/shop/cart/unsubscribe/%d/%s" % (self.guest.id, "0" * 64),
        ):
            self.assertEqual(self.url_open(path, data={"confirm": "1"}).status_code, 404)
        self.refresh()
        self.assertFalse(other.cart_recovery_opt_out)
        self.assertFalse(self.guest.cart_recovery_opt_out)

    def test_portal_user_cannot_forge_an_unsubscribe_link(self):
        other = self.env["res.partner"].create({"name": "Victim", "email": "victim@example.com"})
        cart = self.cart_of(other)
        with self.assertRaises(AccessError):
            cart.sudo(self.stranger).get_cart_recovery_unsubscribe_url()
        self.assertFalse(hasattr(other, "get_cart_recovery_unsubscribe_url"), "no public link minting on contacts")
        self.assertIn("/shop/cart/unsubscribe/%d/" % other.id, cart.get_cart_recovery_unsubscribe_url())

    def test_salesperson_without_contact_rights_gets_the_link(self):
        """A salesperson sending the reminder by hand renders the link from
        their cart, even without the right to edit contacts."""
        seller = make_user(
            self.env,
            "Plain Seller",
            "soon_plain_seller",
            "sales_team.group_sale_salesman",
            email="plain.seller@example.com",
        )
        self.assertFalse(seller.has_group("base.group_partner_manager"))
        cart = self.cart_of(self.guest)
        cart.user_id = seller
        url = cart.sudo(seller).get_cart_recovery_unsubscribe_url()
        self.assertIn("/shop/cart/unsubscribe/%d/" % self.guest.id, url)

    # --------------------------------------------------------------- dashboard
    def test_website_dashboard_figures(self):
        """The reminded cart confirmed moves the dashboard's figures by itself
        exactly (whatever else the database holds)."""
        self.authenticate("admin", "admin")
        today = datetime.utcnow().date()
        period = {
            "date_from": fields.Date.to_string(today - timedelta(days=7)),
            "date_to": fields.Date.to_string(today),
        }

        def figures():
            return self.json_rpc("/website/fetch_dashboard_data", period)["result"]["dashboards"]["cart_recovery"]

        cart = self.cart_of(self.guest)
        self.assertTrue(cart.cart_recovery_reminder_ids, "the cart was reminded")
        before = figures()
        cart.action_confirm()
        after = figures()
        self.assertEqual(after["days"], 30)
        self.assertEqual(after["reminders"], before["reminders"])
        self.assertEqual(after["recovered"], before["recovered"] + 1)
        self.assertAlmostEqual(after["revenue"], before["revenue"] + cart.amount_total, places=2)
