# -*- coding: utf-8 -*-
"""Junk sent to the shop routes the add-on defines or overrides: each answers
400/403/404 (or a readable JSON error), logs no traceback and writes nothing."""

import contextlib
import logging

from odoo.tests import common

from soon_testing.common import SoonHttpCase

from ..models.settings_keys import DEFAULT_CART_MAX_QTY
from .common import reset_shop_settings


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@common.at_install(False)
@common.post_install(True)
class TestRoutesBadInput(SoonHttpCase):
    def setUp(self):
        super().setUp()
        env = self.env
        reset_shop_settings(env)
        self.product = env["product.product"].create(
            {
                "name": "SoOn Junk Kettle",
                "type": "consu",
                "list_price": 20.0,
                "website_published": True,
                "sale_ok": True,
            }
        )
        self.hidden = env["product.product"].create({"name": "SoOn Unpublished Kettle", "list_price": 5.0})
        self.cod = env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        self.cod.website_published = True
        self.victim = env["res.partner"].create(
            {
                "name": "Victim Customer",
                "email": "victim@example.com",
                "street": "1 Ly Thuong Kiet",
                "city": "Ha Noi",
                "country_id": env.ref("base.vn").id,
            }
        )
        self.victim_order = env["sale.order"].create(
            {
                "partner_id": self.victim.id,
                "website_order": True,
                "state": "sent",
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 20.0})],
            }
        )
        self.victim_tx = env["payment.transaction"].create(
            {
                "acquirer_id": self.cod.id,
                "amount": self.victim_order.amount_total,
                "currency_id": self.victim_order.currency_id.id,
                "partner_id": self.victim.id,
                "reference": "%s-junk" % self.victim_order.name,
                "sale_order_id": self.victim_order.id,
                "state": "pending",
            }
        )

    # ------------------------------------------------------------- helpers
    @contextlib.contextmanager
    def no_error_logged(self):
        """No ERROR (a 500's traceback) logged while the block runs."""
        handler = _Collect()
        logging.getLogger().addHandler(handler)
        try:
            yield
        finally:
            logging.getLogger().removeHandler(handler)
        errors = [
            record.getMessage()[:300]
            for record in handler.records
            if record.levelno >= logging.ERROR or record.exc_info
        ]
        self.assertEqual(errors, [], "traceback logged")

    def get(self, path):
        self.sync()
        return self.opener.get(self.base_url + path, allow_redirects=False, timeout=60)

    def post(self, path, data=None):
        self.sync()
        return self.opener.post(self.base_url + path, data=data or {}, allow_redirects=False, timeout=60)

    def raw_json_rpc(self, path, params_json):
        """A JSON-RPC call whose parameters are written by hand (NaN, 1e400)."""
        self.sync()
        response = self.opener.post(
            self.base_url + path,
            timeout=60,
            headers={"Content-Type": "application/json"},
            data='{"jsonrpc": "2.0", "method": "call", "id": 1, "params": %s}' % params_json,
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        return response.json()

    def assertReadableError(self, response, text=None):
        self.assertNotIn("result", response)
        error = response["error"]["data"]
        self.assertEqual(error["exception_type"], "user_error", error["message"])
        if text:
            self.assertIn(text, error["message"])

    def cart(self):
        self.refresh()
        return self.env["sale.order"].search(
            [("order_line.product_id", "=", self.product.id), ("partner_id", "!=", self.victim.id)],
            order="id desc",
            limit=1,
        )

    def add_to_cart(self):
        self.json_rpc("/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1})
        return self.cart()

    def victim_snapshot(self):
        self.refresh()
        return (self.victim_order.state, self.victim_order.write_date, self.victim_tx.state, self.victim_tx.write_date)

    # ---------------------------------------------------------------- links
    def test_non_ascii_and_huge_ids_in_links(self):
        with self.no_error_logged():
            for path in (
                "/shop/cart/resume/%d/%%C3%%A9" % self.victim_order.id,
                "/shop/cart/resume/%d/%s%%C3%%A9" % (self.victim_order.id, "a" * 35),
                "/shop/cart/resume/99999999999999999999/abc",
                "/shop/cart/unsubscribe/%d/%%C3%%A9" % self.victim.id,
                "/shop/cart/unsubscribe/99999999999999999999/abc",
            ):
                self.assertEqual(self.get(path).status_code, 404, path)
            self.assertEqual(self.post("/shop/cart/unsubscribe/%d/%%C3%%A9" % self.victim.id).status_code, 404)
        self.refresh()
        self.assertFalse(self.victim.cart_recovery_opt_out)

    def test_order_page_junk(self):
        """sale's /my/orders/<id> (the add-on extends its page): missing order, malformed token."""
        with self.no_error_logged():
            for path, statuses in (
                ("/my/orders/%d?access_token=%%C3%%A9" % self.victim_order.id, (302, 303)),
                ("/my/orders/%d?access_token=a%%00b" % self.victim_order.id, (302, 303)),
                ("/my/orders/2147483647", (404,)),
                ("/my/orders/99999999999999999999", (404,)),
                ("/my/orders/pdf/2147483647", (404,)),
            ):
                response = self.get(path)
                self.assertIn(response.status_code, statuses, path)
                self.assertNotIn("Victim Customer", response.text)
        # the real token still opens the page
        response = self.get("/my/orders/%d?access_token=%s" % (self.victim_order.id, self.victim_order.access_token))
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.victim_order.name, response.text)

    # ------------------------------------------------------------- payment
    def test_payment_transaction_junk(self):
        cart = self.add_to_cart()
        with self.no_error_logged():
            self.assertReadableError(self.json_rpc("/shop/payment/transaction/", {}), "payment method")
            for so_id in ("abc", "1e3", [1], 10**20, self.victim_order.id):
                self.assertReadableError(
                    self.json_rpc("/shop/payment/transaction/", {"acquirer_id": self.cod.id, "so_id": so_id})
                )
            self.assertReadableError(
                self.json_rpc(
                    "/shop/payment/transaction/",
                    {"acquirer_id": self.cod.id, "so_id": self.victim_order.id, "access_token": ["x"]},
                )
            )
            for token in ("a\x00b", "é", "00000000-0000-4000-8000-000000000000"):
                self.assertReadableError(
                    self.json_rpc(
                        "/shop/payment/transaction/",
                        {"acquirer_id": self.cod.id, "so_id": self.victim_order.id, "access_token": token},
                    )
                )
            for acquirer_id in ("abc", "1e400", 10**30, None, [self.cod.id]):
                self.assertReadableError(self.json_rpc("/shop/payment/transaction/", {"acquirer_id": acquirer_id}))
            self.assertReadableError(self.raw_json_rpc("/shop/payment/transaction/", '{"acquirer_id": 1e400}'))
        self.refresh()
        self.assertFalse(cart.payment_tx_ids)
        self.assertEqual(self.victim_order.payment_tx_ids, self.victim_tx)

    def test_payment_validate_of_another_customers_order(self):
        self.add_to_cart()
        before = self.victim_snapshot()
        with self.no_error_logged():
            for query, status in (
                ("sale_order_id=%d" % self.victim_order.id, 404),
                ("sale_order_id=abc", 400),
                ("sale_order_id=%C2%B2", 400),
                ("transaction_id=abc", 400),
                ("transaction_id=%d" % self.victim_tx.id, 404),
                ("transaction_id=%d&sale_order_id=%d" % (self.victim_tx.id, self.victim_order.id), 404),
            ):
                response = self.get("/shop/payment/validate?" + query)
                self.assertEqual(response.status_code, status, query)
                self.assertNotIn("Victim Customer", response.text)
        self.assertEqual(self.victim_snapshot(), before, "the other customer's order is untouched")
        cart = self.cart()
        self.assertEqual(cart.state, "draft", "the visitor's cart is not validated either")

    # --------------------------------------------------------------- terms
    def test_terms_accept_needs_a_real_true(self):
        cart = self.add_to_cart()
        with self.no_error_logged():
            for accepted in ("false", "true", 1, [], [True], {"a": 1}, None):
                self.assertReadableError(self.json_rpc("/shop/terms/accept", {"accepted": accepted}))
            self.assertReadableError(self.json_rpc("/shop/terms/accept", {}))
        self.refresh()
        self.assertFalse(cart.terms_accepted_date, "nothing accepted")
        self.assertEqual(self.json_rpc("/shop/terms/accept", {"accepted": True})["result"], {"accepted": True})
        self.refresh()
        self.assertTrue(cart.terms_accepted_date)
        self.assertEqual(self.json_rpc("/shop/terms/accept", {"accepted": False})["result"], {"accepted": False})
        self.refresh()
        self.assertFalse(cart.terms_accepted_date)

    # ---------------------------------------------------------------- cart
    def test_cart_update_json_junk(self):
        cart = self.add_to_cart()
        line = cart.order_line
        with self.no_error_logged():
            for params in (
                {"product_id": "abc", "add_qty": 1},
                {"product_id": 10**20, "add_qty": 1},
                {"product_id": [self.product.id], "add_qty": 1},
                {"add_qty": 1},
                {"product_id": 999999999, "add_qty": 1},
                {"product_id": self.hidden.id, "add_qty": 1},
                {"product_id": self.product.id, "line_id": "abc", "set_qty": 2},
                {"product_id": self.product.id, "add_qty": "NaN"},
                {"product_id": self.product.id, "add_qty": "abc"},
                {"product_id": self.product.id, "set_qty": "²"},
            ):
                self.assertReadableError(self.json_rpc("/shop/cart/update_json", params))
            for params in (
                '{"product_id": %d, "set_qty": 1e400}' % self.product.id,
                '{"product_id": %d, "add_qty": NaN}' % self.product.id,
                '{"product_id": 1e400, "add_qty": 1}',
            ):
                self.assertReadableError(self.raw_json_rpc("/shop/cart/update_json", params))
        self.refresh()
        self.assertEqual(cart.order_line, line)
        self.assertEqual(line.product_uom_qty, 1)
        with self.no_error_logged():
            self.assertEqual(self.post("/shop/cart/update", {"product_id": self.hidden.id}).status_code, 404)
            self.assertEqual(self.get("/shop/cart?access_token=a%00b").status_code, 404)
        self.refresh()
        self.assertEqual(cart.order_line, line, "a product not sold on the website is not added")

    def test_dashboard_period_junk(self):
        self.authenticate("admin", "admin")
        with self.no_error_logged():
            for params in ({}, {"date_from": "2026-01-01"}, {"date_from": "é", "date_to": [1]}):
                self.assertReadableError(self.json_rpc("/website/fetch_dashboard_data", params), "YYYY-MM-DD")

    def test_absurd_quantities_are_capped(self):
        cart = self.add_to_cart()
        with self.no_error_logged():
            result = self.json_rpc(
                "/shop/cart/update_json",
                {"product_id": self.product.id, "line_id": cart.order_line.id, "set_qty": 10**12},
            )["result"]
        self.assertEqual(result["quantity"], DEFAULT_CART_MAX_QTY)
        self.assertIn("at most", result["warning"])
        self.refresh()
        self.assertEqual(cart.order_line.product_uom_qty, DEFAULT_CART_MAX_QTY)
        # adding on top of the maximum, through the product page's form
        with self.no_error_logged():
            response = self.post("/shop/cart/update", {"product_id": self.product.id, "add_qty": str(10**12)})
            self.assertEqual(response.status_code, 302)
            self.assertIn("at most", self.get("/shop/cart").text)
            for data in (
                {"product_id": "abc"},
                {"product_id": self.product.id, "add_qty": "nan"},
                {"product_id": self.product.id, "add_qty": "1e400"},
                {},
            ):
                self.assertIn(self.post("/shop/cart/update", data).status_code, (400, 404), data)
        self.refresh()
        self.assertEqual(cart.order_line.product_uom_qty, DEFAULT_CART_MAX_QTY)
        # a reasonable quantity still works
        result = self.json_rpc(
            "/shop/cart/update_json", {"product_id": self.product.id, "line_id": cart.order_line.id, "set_qty": 3}
        )["result"]
        self.assertEqual(result["quantity"], 3)
