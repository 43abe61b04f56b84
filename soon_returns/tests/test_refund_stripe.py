"""Stripe refunds against a local HTTP server that speaks Stripe's API:
``POST /v1/refunds`` with the charge, the amount in the smallest currency
unit, the secret key and an idempotency key stable across retries; Stripe's
error answers become clear messages."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from odoo.exceptions import UserError

from .common import RefundsCase


class FakeStripe:
    """A local server answering ``POST /v1/refunds`` like Stripe.

    ``answers`` is a list of ``(HTTP status, JSON body)`` served in order (the
    last one repeats); ``requests`` records what was received.
    """

    def __init__(self):
        self.answers = []
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "form": parse_qs(body), "raw": body}
                )
                if self.path != "/v1/refunds":
                    status, payload = 404, {"error": {"type": "invalid_request_error", "message": "Unrecognized URL"}}
                else:
                    status, payload = fake.answers.pop(0) if len(fake.answers) > 1 else fake.answers[0]
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def stripe_refund(refund_id="re_1Test", status="succeeded", amount=0, charge="ch_1Test"):
    return 200, {"id": refund_id, "object": "refund", "amount": amount, "charge": charge, "status": status}


def stripe_error(status, kind, message, code=None):
    error = {"type": kind, "message": message}
    if code:
        error["code"] = code
    return status, {"error": error}


class TestStripeRefunds(RefundsCase):
    def setUp(self):
        super().setUp()
        self.stripe = FakeStripe()
        self.addCleanup(self.stripe.stop)
        self.env["ir.config_parameter"].sudo().set_param("soon_returns.stripe_api_url", self.stripe.url)
        self.acquirer = self.env["payment.acquirer"].create(
            {
                "name": "Stripe (tests)",
                "provider": "stripe",
                "stripe_secret_key": "sk_test_SoOn",
                "stripe_publishable_key": "pk_test_SoOn",
                "journal_id": self.bank_journal.id,
            }
        )
        self.order = self._paid_order(
            self.customer.partner_id, [(self.product_a, 1, 50.0), (self.product_b, 1, 80.0)], acquirer=self.acquirer
        )
        self.payment = self._payment(self.order)
        self.payment.acquirer_reference = "ch_1Test"

    def _refund(self, amount, **kwargs):
        return self._payment(kwargs.pop("order", self.order)).sudo(self.manager)._refund(amount=amount, **kwargs)

    def test_refund_request_and_success(self):
        self.assertEqual(self.acquirer.refund_support, "full_and_partial")
        self.stripe.answers = [stripe_refund(amount=14300)]
        refund = self._refund(143.0)
        self.assertEqual(len(self.stripe.requests), 1)
        request = self.stripe.requests[0]
        self.assertEqual(request["path"], "/v1/refunds")
        self.assertEqual(request["headers"]["Authorization"], "Bearer sk_test_SoOn")
        self.assertEqual(request["headers"]["Idempotency-Key"], refund.refund_idempotency_key)
        self.assertTrue(refund.refund_idempotency_key.startswith("soon-refund-"))
        self.assertEqual(request["headers"]["Stripe-Version"], "2016-03-07")
        self.assertEqual(request["headers"]["Content-Type"], "application/x-www-form-urlencoded")
        self.assertEqual(request["form"]["charge"], ["ch_1Test"])
        self.assertEqual(request["form"]["amount"], ["14300"])
        self.assertEqual(request["form"]["metadata[odoo_reference]"], [refund.reference])
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(refund.acquirer_reference, "re_1Test")
        self.assertEqual(refund.refund_invoice_id.amount_total, 143.0)
        self.assertEqual(self.order.payment_status, "refunded")

    def test_partial_amount_in_cents(self):
        self.stripe.answers = [stripe_refund(amount=1999)]
        refund = self._refund(19.99)
        self.assertEqual(self.stripe.requests[0]["form"]["amount"], ["1999"])
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(self.order.payment_status, "partially_refunded")

    def test_vnd_is_sent_without_decimals(self):
        vnd = self.env.ref("base.VND")
        vnd.write({"active": True, "rounding": 0.01})  # Odoo's data gives VND cents; Stripe does not
        pricelist = self.env["product.pricelist"].create({"name": "VND (Stripe)", "currency_id": vnd.id})
        order = self._paid_order(
            self.customer.partner_id, [(self.product_a, 1, 1122334.0)], acquirer=self.acquirer, pricelist=pricelist
        )
        self._payment(order).acquirer_reference = "ch_1Vnd"
        self.stripe.answers = [stripe_refund()]
        refund = self._refund(1234567.0, order=order)
        self.assertEqual(self.stripe.requests[0]["form"]["amount"], ["1234567"])
        self.assertEqual(self.stripe.requests[0]["form"]["charge"], ["ch_1Vnd"])
        self.assertEqual(refund.state, "refunded")
        Tx = self.env["payment.transaction"]
        self.assertEqual(Tx._get_minor_units(19.99, self.env.ref("base.EUR")), 1999)
        self.assertEqual(Tx._get_minor_units(0.29, self.env.ref("base.USD")), 29)
        self.assertEqual(Tx._get_minor_units(1500.0, self.env.ref("base.JPY")), 1500)

    def test_declined_refund_is_mapped_and_changes_nothing(self):
        self.stripe.answers = [
            stripe_error(400, "invalid_request_error", "Insufficient funds in Stripe account.", "balance_insufficient")
        ]
        refund = self._refund(143.0)
        self.assertEqual(refund.state, "error")
        self.assertFalse(refund.refund_retryable)
        self.assertIn("Your Stripe balance is too low", refund.state_message)
        self.assertIn("(Stripe: Insufficient funds in Stripe account.)", refund.state_message)
        self.assertFalse(self._credit_notes(self.customer.partner_id))
        self.assertEqual(self.order.payment_status, "paid")
        self.assertEqual(self.payment.amount_refundable, 143.0)
        # a new attempt, with a new key (Stripe replays a key's answer)
        self.stripe.answers = [stripe_refund()]
        second = self._refund(143.0)
        self.assertEqual(second.state, "refunded")
        keys = [request["headers"]["Idempotency-Key"] for request in self.stripe.requests]
        self.assertEqual(keys, [refund.refund_idempotency_key, second.refund_idempotency_key])
        self.assertNotEqual(keys[0], keys[1])

    def test_error_messages(self):
        cases = [
            (stripe_error(401, "invalid_request_error", "Invalid API Key provided: sk_test_***"), "secret key", False),
            (
                stripe_error(
                    400,
                    "invalid_request_error",
                    "Charge ch_1Test has already been refunded.",
                    "charge_already_refunded",
                ),
                "already fully refunded",
                False,
            ),
            (
                stripe_error(400, "invalid_request_error", "No such charge: ch_1Test", "resource_missing"),
                "does not know this payment",
                False,
            ),
            (stripe_error(429, "rate_limit_error", "Too many requests"), "too many requests", True),
            (stripe_error(402, "card_error", "Something odd"), "Stripe refused the refund.", False),
        ]
        for answer, text, retryable in cases:
            self.stripe.answers = [answer]
            refund = self._refund(10.0)
            self.assertEqual(refund.state, "error")
            self.assertIn(text, refund.state_message)
            self.assertIn(answer[1]["error"]["message"], refund.state_message)
            self.assertEqual(refund.refund_retryable, retryable)
            if retryable:
                refund.sudo(self.manager).action_abandon_refund()
        self.assertFalse(self._credit_notes(self.customer.partner_id))

    def test_temporary_error_is_retried_with_the_same_key(self):
        self.stripe.answers = [stripe_error(500, "api_error", "An unknown error occurred"), stripe_refund()]
        failed = self._refund(50.0)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        self.assertIn("temporary problem", failed.state_message)
        refund = self._refund(50.0, retry=failed)
        self.assertEqual(refund, failed)
        self.assertEqual(refund.state, "refunded")
        keys = [request["headers"]["Idempotency-Key"] for request in self.stripe.requests]
        self.assertEqual(keys, [failed.refund_idempotency_key] * 2)
        self.assertEqual([r["form"]["amount"] for r in self.stripe.requests], [["5000"], ["5000"]])
        self.assertEqual(len(self.payment.refund_transaction_ids), 1)
        self.assertEqual(len(self._credit_notes(self.customer.partner_id)), 1)

    def test_unreachable_stripe_can_be_retried(self):
        self.stripe.stop()
        failed = self._refund(50.0)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        self.assertIn("Stripe could not be reached", failed.state_message)
        self.assertFalse(self._credit_notes(self.customer.partner_id))
        self.stripe = FakeStripe()
        self.addCleanup(self.stripe.stop)
        self.env["ir.config_parameter"].sudo().set_param("soon_returns.stripe_api_url", self.stripe.url)
        self.stripe.answers = [stripe_refund()]
        self.assertEqual(self._refund(50.0, retry=failed).state, "refunded")
        self.assertEqual(self.stripe.requests[0]["headers"]["Idempotency-Key"], failed.refund_idempotency_key)

    def test_payment_without_charge_reference_is_refused_before_calling_stripe(self):
        self.payment.acquirer_reference = False
        with self.assertRaisesRegex(UserError, "no Stripe charge reference"):
            self._refund(10.0)
        self.assertEqual(self.stripe.requests, [])
        self.assertFalse(self.payment.refund_transaction_ids)

    def test_api_url_comes_from_the_configuration(self):
        Acquirer = self.env["payment.acquirer"]
        self.assertEqual(Acquirer._get_stripe_refund_url(), self.stripe.url + "/v1/refunds")
        self.env["ir.config_parameter"].sudo().set_param("soon_returns.stripe_api_url", False)
        self.assertEqual(Acquirer._get_stripe_refund_url(), "https://api.stripe.com/v1/refunds")
