# -*- coding: utf-8 -*-
"""The reminder links carry credentials (the order's access token, the signed
unsubscribe token): over JSON-RPC (``/web/dataset/call_kw``) nobody gets them
for an order they cannot read, and portal users never get them; the job and
a salesperson sending the reminder by hand from their own cart still do."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import common

from soon_testing.common import SoonHttpCase, make_portal_user, make_user

from ..models.settings_keys import PARAM_TEMPLATE


@common.at_install(False)
@common.post_install(True)
class TestCartRecoveryLinksRpc(SoonHttpCase):
    def setUp(self):
        super().setUp()
        env = self.env
        own_docs = "sales_team.group_sale_salesman"
        self.attacker = make_portal_user(env, "Portal Attacker", "soon_rpc_portal", email="attacker@example.com")
        self.seller = make_user(env, "Own Docs Seller", "soon_rpc_seller", own_docs, email="own.seller@example.com")
        self.other_seller = make_user(
            env, "Other Seller", "soon_rpc_other_seller", own_docs, email="other.seller@example.com"
        )
        self.assertFalse(self.seller.has_group("sales_team.group_sale_salesman_all_leads"))
        self.product = env["product.product"].create(
            {"name": "SoOn RPC Vase", "type": "consu", "list_price": 30.0, "website_published": True}
        )
        self.victim = env["res.partner"].create({"name": "Victim Customer", "email": "victim@example.com"})
        self.victim_cart = self.cart_of(self.victim, self.other_seller)

    def cart_of(self, partner, salesperson):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "website_order": True,
                "user_id": salesperson.id,
                "team_id": self.env.ref("sales_team.salesteam_website_sales").id,
                "cart_last_activity": fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=5)),
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 30.0})],
            }
        )

    def call_kw(self, model, method, ids):
        return self.json_rpc(
            "/web/dataset/call_kw/%s/%s" % (model, method),
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def assertRefused(self, response, *secrets):
        self.assertNotIn("result", response)
        self.assertEqual(response["error"]["data"]["exception_type"], "access_error", response["error"])
        text = str(response)
        for secret in secrets:
            self.assertNotIn(secret, text)

    def unsubscribe_token(self, partner):
        return partner._cart_recovery_unsubscribe_token()

    # ------------------------------------------------------------------ refused
    def test_portal_user_gets_no_link_of_another_customer(self):
        self.authenticate("soon_rpc_portal", "soon_rpc_portal")
        cart = self.victim_cart
        for method in ("get_cart_recovery_url", "get_cart_recovery_unsubscribe_url"):
            self.assertRefused(
                self.call_kw("sale.order", method, cart.ids), cart.access_token, self.unsubscribe_token(self.victim)
            )

    def test_portal_user_gets_no_link_of_their_own_cart(self):
        """Portal users never get the links over RPC (they come by email)."""
        own_cart = self.cart_of(self.attacker.partner_id, self.seller)
        self.authenticate("soon_rpc_portal", "soon_rpc_portal")
        for method in ("get_cart_recovery_url", "get_cart_recovery_unsubscribe_url"):
            self.assertRefused(self.call_kw("sale.order", method, own_cart.ids), own_cart.access_token)

    def test_own_documents_salesperson_gets_no_link_of_another_sellers_cart(self):
        self.authenticate("soon_rpc_seller", "soon_rpc_seller")
        cart = self.victim_cart
        for method in ("get_cart_recovery_url", "get_cart_recovery_unsubscribe_url"):
            self.assertRefused(
                self.call_kw("sale.order", method, cart.ids), cart.access_token, self.unsubscribe_token(self.victim)
            )

    def test_nobody_mints_unsubscribe_links_on_contacts(self):
        for login in ("soon_rpc_portal", "soon_rpc_seller"):
            self.authenticate(login, login)
            # the old public method is gone; the private one is not callable remotely
            self.assertFalse(hasattr(self.env["res.partner"], "get_cart_recovery_unsubscribe_url"))
            self.assertRefused(
                self.call_kw("res.partner", "_cart_recovery_unsubscribe_url", self.victim.ids),
                self.unsubscribe_token(self.victim),
            )

    # ------------------------------------------------------------------ allowed
    def test_salesperson_gets_the_links_of_their_own_cart(self):
        cart = self.cart_of(self.victim, self.seller)
        self.authenticate("soon_rpc_seller", "soon_rpc_seller")
        response = self.call_kw("sale.order", "get_cart_recovery_url", cart.ids)
        self.assertTrue(response["result"].endswith("/shop/cart/resume/%d/%s" % (cart.id, cart.access_token)))
        response = self.call_kw("sale.order", "get_cart_recovery_unsubscribe_url", cart.ids)
        self.assertTrue(
            response["result"].endswith(
                "/shop/cart/unsubscribe/%d/%s" % (self.victim.id, self.unsubscribe_token(self.victim))
            )
        )

    def test_salesperson_sends_the_reminder_by_hand(self):
        """Odoo's composer ("Send a Recovery Email") renders the template as
        the salesperson: the email has working resume and unsubscribe links."""
        cart = self.cart_of(self.victim, self.seller)
        template = self.env.ref("soon_ecommerce_orders.mail_template_cart_recovery")
        self.env["ir.config_parameter"].sudo().set_param(PARAM_TEMPLATE, str(template.id))
        as_seller = cart.sudo(self.seller)
        action = as_seller.action_recovery_email_send()
        composer = self.env["mail.compose.message"].sudo(self.seller).with_context(**action["context"]).create({})
        composer.onchange_template_id_wrapper()
        composer.send_mail()
        message = self.env["mail.message"].search(
            [("model", "=", "sale.order"), ("res_id", "=", cart.id), ("message_type", "=", "comment")],
            order="id desc",
            limit=1,
        )
        resume = "/shop/cart/resume/%d/%s" % (cart.id, cart.access_token)
        unsubscribe = "/shop/cart/unsubscribe/%d/%s" % (self.victim.id, self.unsubscribe_token(self.victim))
        self.assertIn(resume, message.body)
        self.assertIn(unsubscribe, message.body)
        self.assertEqual(cart.cart_recovery_step, 1)
        # both links work for the (guest) customer
        self.assertEqual(self.url_open(resume).status_code, 200)
        self.assertEqual(self.url_open(unsubscribe).status_code, 200)
