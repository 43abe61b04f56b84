"""Stripe refunds against a local HTTP server that behaves like Stripe's API
(``stripe_server.FakeStripe``): ``POST /v1/refunds`` with the charge, the
amount in the smallest currency unit, the secret key, our reference in the
metadata and an idempotency key; answers echo the request and are checked;
idempotency keys are remembered 24 hours; a retry whose outcome is unknown
lists the charge's refunds first and never resends a key Stripe forgot."""

from datetime import datetime, timedelta
from unittest.mock import patch

import requests
from odoo import fields
from odoo.addons.soon_payment_refund.models.payment_transaction import RefundProviderError
from odoo.addons.soon_payment_refund.tests.common import RefundsCase
from odoo.exceptions import AccessError, UserError

from ..models import payment_transaction as payment_transaction_module
from .stripe_server import FakeStripe, error_body

#: the client's timeout in the tests that make Stripe hang (seconds)
SHORT_TIMEOUT = 0.5


class StripeCase(RefundsCase):
    def setUp(self):
        super().setUp()
        self._start_stripe()
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
        self.stripe.add_charge("ch_1Test", 14300)

    def _start_stripe(self):
        self.stripe = FakeStripe()
        self.addCleanup(self.stripe.stop)
        self.env["ir.config_parameter"].sudo().set_param("soon_payment_refund_stripe.api_url", self.stripe.url)

    def _refund(self, amount=None, **kwargs):
        payment = kwargs.pop("payment", None) or self._payment(kwargs.pop("order", self.order))
        return payment.sudo(self.manager)._refund(amount=amount, **kwargs)

    def _keys(self):
        return [request["headers"]["Idempotency-Key"] for request in self.stripe.posts()]

    def _age_key(self, refund, hours):
        """Both clocks move: Stripe's, and the date our key was sent."""
        self.stripe.advance(hours)
        sent = datetime.utcnow() - timedelta(hours=hours)
        self.env.cr.execute(
            "UPDATE payment_transaction SET refund_idempotency_key_date = %s WHERE id = %s",
            (fields.Datetime.to_string(sent), refund.id),
        )
        refund.invalidate_cache()

    def _hang(self, refund_made, late=False):
        """The next refund request gets no answer before the client's timeout
        (``late``: Stripe still runs it until ``finish_late``)."""
        self.stripe.inject(timeout=SHORT_TIMEOUT * 3, refund=refund_made, late=late)
        timeout = patch.object(payment_transaction_module, "STRIPE_TIMEOUT", SHORT_TIMEOUT)
        timeout.start()
        self.addCleanup(timeout.stop)


class TestFakeStripe(StripeCase):
    """The test server answers as Stripe documents it."""

    def _post(self, key, amount=1000, charge="ch_1Test", reference="R1"):
        headers = {"Authorization": "Bearer sk_test_SoOn"}
        if key:
            headers["Idempotency-Key"] = key
        data = {"charge": charge, "amount": amount, "metadata[odoo_reference]": reference}
        return requests.post(self.stripe.url + "/v1/refunds", data=data, headers=headers, timeout=5)

    def _get(self, path, **params):
        return requests.get(
            self.stripe.url + path, params=params, headers={"Authorization": "Bearer sk_test_SoOn"}, timeout=5
        )

    def test_idempotency_keys_replay_expire_and_check_parameters(self):
        first = self._post("key-1")
        self.assertEqual(first.status_code, 200)
        refund = first.json()
        self.assertEqual((refund["amount"], refund["charge"], refund["status"]), (1000, "ch_1Test", "succeeded"))
        self.assertEqual(refund["metadata"], {"odoo_reference": "R1"})
        again = self._post("key-1")
        self.assertEqual(again.json(), refund)
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        other = self._post("key-1", amount=2000)
        self.assertEqual(other.status_code, 400)
        self.assertEqual(other.json()["error"]["type"], "idempotency_error")
        self.stripe.advance(23.9)
        self.assertEqual(self._post("key-1").json()["id"], refund["id"])
        self.stripe.advance(0.2)  # 24 hours: the key is pruned, the same request refunds again
        pruned = self._post("key-1")
        self.assertNotEqual(pruned.json()["id"], refund["id"])
        self.assertEqual(len(self.stripe.refunds_of("ch_1Test")), 2)

    def test_errors_are_saved_and_replayed_too(self):
        self.stripe.inject(status=500)
        self.assertEqual(self._post("key-500").status_code, 500)
        replay = self._post("key-500")
        self.assertEqual(replay.status_code, 500)
        self.assertEqual(replay.json()["error"]["type"], "api_error")
        self.assertEqual(self.stripe.refunds, [])
        # invalid parameters are refused before the endpoint runs: not saved
        zero = self._post("key-0", amount=0)
        self.assertEqual((zero.status_code, zero.json()["error"]["param"]), (400, "amount"))
        self.assertEqual(self._post("key-0", amount=500).status_code, 200)

    def test_amounts_disputes_and_statuses(self):
        too_large = self._post(None, amount=14301)
        self.assertEqual(too_large.status_code, 400)
        self.assertEqual(too_large.json()["error"]["code"], "amount_too_large")
        self.stripe.next_statuses = ["pending", "failed"]
        pending = self._post(None, amount=14000).json()
        self.assertEqual(pending["status"], "pending")
        self.assertEqual(self._post(None, amount=400).json()["error"]["code"], "amount_too_large")
        failed = self._post(None, amount=100).json()
        self.assertEqual((failed["status"], failed["failure_reason"]), ("failed", "expired_or_canceled_card"))
        self.stripe.set_status(pending["id"], "failed")
        self.assertEqual(self._get("/v1/refunds/" + pending["id"]).json()["status"], "failed")
        self.assertEqual(self._post(None, amount=14300).json()["status"], "succeeded")
        self.assertEqual(self._post(None, amount=1).json()["error"]["code"], "charge_already_refunded")
        self.stripe.add_charge("ch_disputed", 5000, disputed=True)
        disputed = self._post(None, charge="ch_disputed")
        self.assertEqual((disputed.status_code, disputed.json()["error"]["code"]), (400, "charge_disputed"))
        self.assertEqual(self._post(None, charge="ch_nope").json()["error"]["code"], "resource_missing")

    def test_refunds_are_listed_per_charge(self):
        self.stripe.add_charge("ch_other", 5000)
        ids = [self._post(None, amount=100, reference="R%d" % n).json()["id"] for n in range(3)]
        self._post(None, charge="ch_other", amount=100)
        page = self._get("/v1/refunds", charge="ch_1Test", limit=2).json()
        self.assertEqual((page["object"], page["has_more"]), ("list", True))
        self.assertEqual([r["id"] for r in page["data"]], [ids[2], ids[1]])
        rest = self._get("/v1/refunds", charge="ch_1Test", limit=2, starting_after=ids[1]).json()
        self.assertEqual(([r["id"] for r in rest["data"]], rest["has_more"]), ([ids[0]], False))
        self.assertEqual(self._get("/v1/refunds/re_404").status_code, 404)
        wrong_key = requests.get(self.stripe.url + "/v1/refunds", headers={"Authorization": "Bearer sk_x"}, timeout=5)
        self.assertEqual(wrong_key.status_code, 401)


class TestStripeRefunds(StripeCase):
    def test_refund_request_and_success(self):
        self.assertEqual(self.acquirer.refund_support, "full_and_partial")
        refund = self._refund(143.0)
        self.assertEqual(len(self.stripe.requests), 1)
        request = self.stripe.requests[0]
        self.assertEqual((request["method"], request["path"]), ("POST", "/v1/refunds"))
        self.assertEqual(request["headers"]["Authorization"], "Bearer sk_test_SoOn")
        self.assertEqual(request["headers"]["Idempotency-Key"], refund.refund_idempotency_key)
        self.assertTrue(refund.refund_idempotency_key.startswith("soon-refund-"))
        self.assertTrue(refund.refund_idempotency_key_date)
        self.assertEqual(request["headers"]["Stripe-Version"], "2016-03-07")
        self.assertEqual(request["headers"]["Content-Type"], "application/x-www-form-urlencoded")
        self.assertEqual(request["form"]["charge"], ["ch_1Test"])
        self.assertEqual(request["form"]["amount"], ["14300"])
        self.assertEqual(request["form"]["metadata[odoo_reference]"], [refund.reference])
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(refund.acquirer_reference, self.stripe.refunds[0]["id"])
        self.assertEqual(refund.refund_invoice_id.amount_total, 143.0)
        self.assertEqual(self.order.payment_status, "refunded")

    def test_partial_amount_in_cents(self):
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
        self.stripe.add_charge("ch_1Vnd", 1234568, "vnd")
        refund = self._refund(1234567.0, order=order)
        self.assertEqual(self.stripe.requests[0]["form"]["amount"], ["1234567"])
        self.assertEqual(self.stripe.requests[0]["form"]["charge"], ["ch_1Vnd"])
        self.assertEqual(refund.state, "refunded")
        Tx = self.env["payment.transaction"]
        self.assertEqual(Tx._get_minor_units(19.99, self.env.ref("base.EUR")), 1999)
        self.assertEqual(Tx._get_minor_units(0.29, self.env.ref("base.USD")), 29)
        self.assertEqual(Tx._get_minor_units(1500.0, self.env.ref("base.JPY")), 1500)

    def test_declined_refund_is_mapped_and_changes_nothing(self):
        self.stripe.inject(
            status=400,
            body=error_body("invalid_request_error", "Insufficient funds in Stripe account.", "balance_insufficient"),
        )
        refund = self._refund(143.0)
        self.assertEqual(refund.state, "error")
        self.assertFalse(refund.refund_retryable)
        self.assertIn("Your Stripe balance is too low", refund.state_message)
        self.assertIn("(Stripe: Insufficient funds in Stripe account.)", refund.state_message)
        self.assertFalse(self._credit_notes(self.customer.partner_id))
        self.assertEqual(self.order.payment_status, "paid")
        self.assertEqual(self.payment.amount_refundable, 143.0)
        # a new attempt, with a new key (Stripe replays a key's answer)
        second = self._refund(143.0)
        self.assertEqual(second.state, "refunded")
        self.assertEqual(self._keys(), [refund.refund_idempotency_key, second.refund_idempotency_key])
        self.assertNotEqual(self._keys()[0], self._keys()[1])

    def test_error_messages(self):
        stripe = self.stripe
        cases = [
            ("wrong key", "secret key", False, "Invalid API Key"),
            ("refunded", "already fully refunded", False, "has already been refunded"),
            ("unknown charge", "does not know this payment", False, "No such charge"),
            ("too large", "larger than what is left", False, "greater than unrefunded amount"),
            ("disputed", "customer disputed this payment", False, "charged back"),
            ("rate limit", "too many requests", True, "Too many requests"),
            ("card error", "Stripe refused the refund.", False, "Something odd"),
            ("idempotency", "received this refund attempt before with other values", True, "same parameters"),
        ]
        for case, text, retryable, stripe_message in cases:
            stripe.secret_key = "sk_test_SoOn"
            stripe.add_charge("ch_1Test", 14300)
            if case == "wrong key":
                stripe.secret_key = "sk_test_Rotated"
            elif case == "refunded":
                stripe.charges["ch_1Test"]["refunded"] = 14300
            elif case == "unknown charge":
                del stripe.charges["ch_1Test"]
            elif case == "too large":
                stripe.charges["ch_1Test"]["refunded"] = 13500
            elif case == "disputed":
                stripe.charges["ch_1Test"]["disputed"] = True
            elif case == "rate limit":
                stripe.inject(status=429)
            elif case == "card error":
                stripe.inject(status=402, body=error_body("card_error", "Something odd"))
            else:
                stripe.inject(
                    status=400,
                    body=error_body("idempotency_error", "Keys can only be used with the same parameters."),
                )
            refund = self._refund(10.0)
            self.assertEqual(refund.state, "error", case)
            self.assertIn(text, refund.state_message, case)
            self.assertIn(stripe_message, refund.state_message, case)
            self.assertEqual(refund.refund_retryable, retryable, case)
            if retryable:
                refund.sudo(self.manager).action_abandon_refund()
                self.assertEqual(refund.state, "cancel")
        self.assertFalse(self._credit_notes(self.customer.partner_id))
        self.assertFalse(stripe.refunds)

    def test_amount_below_the_smallest_unit_is_never_sent(self):
        # what a rounding slip could leave: 0.4 cent
        refund = self.payment._create_refund_transaction(0.004, False, {"reason": "test", "origin": None}, self.manager)
        with self.assertRaisesRegex(RefundProviderError, "less than the smallest unit"):
            refund._stripe_send_refund_request()
        self.assertEqual(self.stripe.requests, [])

    def test_answer_that_does_not_match_the_request_is_refused(self):
        self.stripe.inject(alter={"amount": 1000})
        refund = self._refund(50.0)
        self.assertEqual((refund.state, refund.refund_retryable), ("error", True))
        self.assertIn("of 1000 (smallest unit) on ch_1Test instead of 5000 on ch_1Test", refund.state_message)
        self.assertFalse(self._credit_notes(self.customer.partner_id))
        with self.assertRaisesRegex(UserError, "failed temporarily"):
            self._refund(10.0)
        # Stripe lists a refund for that attempt: it cannot be abandoned, the retry adopts it
        with self.assertRaisesRegex(UserError, "retry it to record that refund"):
            refund.sudo(self.manager).action_abandon_refund()
        self.assertEqual(self._refund(50.0, retry=refund).state, "refunded")
        self.assertEqual(len(self.stripe.posts()), 1)
        self.assertEqual(len(self.stripe.refunds), 1)

    def test_temporary_error_is_retried_after_asking_stripe(self):
        self.stripe.inject(status=500)
        failed = self._refund(50.0)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        self.assertIn("temporary problem", failed.state_message)
        first_key = self._keys()[0]
        # Stripe saved the 500 under the key and would replay it: the retry lists the
        # charge's refunds (none carries our reference) and sends the attempt with a new key
        self.assertEqual(failed.refund_idempotency_key, first_key + "-k2")
        refund = self._refund(50.0, retry=failed)
        self.assertEqual(refund, failed)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual([(r["method"], r["path"]) for r in self.stripe.requests][1], ("GET", "/v1/refunds"))
        self.assertEqual(self.stripe.requests[1]["query"]["charge"], ["ch_1Test"])
        self.assertEqual(self._keys(), [first_key, first_key + "-k2"])
        self.assertEqual([r["form"]["amount"] for r in self.stripe.posts()], [["5000"], ["5000"]])
        self.assertEqual(len(self.stripe.refunds_of("ch_1Test")), 1)
        self.assertEqual(len(self.payment.refund_transaction_ids), 1)
        self.assertEqual(len(self._credit_notes(self.customer.partner_id)), 1)

    def test_500_that_refunded_is_adopted(self):
        self.stripe.inject(status=500, refund=True)
        failed = self._refund(50.0)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        with self.assertRaisesRegex(UserError, "retry it to record that refund"):
            failed.sudo(self.manager).action_abandon_refund()
        refund = self._refund(50.0, retry=failed)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(refund.acquirer_reference, self.stripe.refunds[0]["id"])
        self.assertEqual(len(self.stripe.posts()), 1)
        self.assertEqual(len(self.stripe.refunds), 1)

    def test_unreachable_stripe_is_retried_with_the_same_key_within_24_hours(self):
        self.stripe.stop()
        failed = self._refund(50.0)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        self.assertIn("Stripe could not be reached", failed.state_message)
        self.assertFalse(self._credit_notes(self.customer.partner_id))
        key = failed.refund_idempotency_key
        # still unreachable: the retry cannot even ask Stripe, nothing changes
        self.assertEqual(self._refund(50.0, retry=failed).state, "error")
        self.assertTrue(failed.refund_retryable)
        with self.assertRaisesRegex(UserError, "could not be asked whether it refunded"):
            failed.sudo(self.manager).action_abandon_refund()
        self._start_stripe()
        self.stripe.add_charge("ch_1Test", 14300)
        self.assertEqual(self._refund(50.0, retry=failed).state, "refunded")
        self.assertEqual(self._keys(), [key])

    def test_timed_out_refund_is_found_after_24_hours_not_refunded_twice(self):
        self._hang(refund_made=True)
        failed = self._refund(50.0)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        self.assertIn("ReadTimeout", failed.state_message)
        self.assertEqual(len(self.stripe.refunds), 1)  # Stripe refunded; Odoo does not know
        self._age_key(failed, 25)  # Stripe forgot the key
        refund = self._refund(50.0, retry=failed)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(refund.acquirer_reference, self.stripe.refunds[0]["id"])
        self.assertEqual(len(self.stripe.posts()), 1)
        self.assertEqual(len(self.stripe.refunds), 1)
        self.assertEqual(self.payment.amount_refunded, 50.0)

    def test_retry_while_the_first_request_still_runs_never_refunds_twice(self):
        self._hang(refund_made=True, late=True)
        failed = self._refund(50.0)
        key = failed.refund_idempotency_key
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        for _attempt in range(2):  # Stripe still runs the first request: the same key answers 409
            again = self._refund(50.0, retry=failed)
            self.assertEqual((again.state, again.refund_retryable), ("error", True))
            self.assertIn("still processing an earlier request", again.state_message)
            self.assertEqual(again.refund_idempotency_key, key)
        self.assertEqual(self.stripe.refunds, [])
        self.stripe.finish_late()
        refund = self._refund(50.0, retry=failed)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(refund.acquirer_reference, self.stripe.refunds[0]["id"])
        self.assertEqual(len(self.stripe.refunds), 1)
        self.assertEqual(self._keys(), [key] * 3)

    def test_timed_out_request_that_never_ran_uses_a_new_key_after_24_hours(self):
        self._hang(refund_made=False)
        failed = self._refund(50.0)
        key = failed.refund_idempotency_key
        self.assertEqual((failed.state, failed.refund_retryable), ("error", True))
        self._age_key(failed, 25)
        refund = self._refund(50.0, retry=failed)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(self._keys(), [key, key + "-k2"])
        self.assertEqual(len(self.stripe.refunds), 1)

    def test_pending_refund_stays_refunding_until_checked(self):
        self.stripe.next_statuses = ["pending"]
        refund = self._refund(50.0)
        self.assertEqual(refund.state, "refunding")
        self.assertEqual(refund.refund_invoice_id.state, "draft")
        self.assertEqual(self.payment.amount_refundable, 93.0)
        self.assertEqual(self.order.payment_status, "paid")
        with self.assertRaisesRegex(UserError, "You can refund at most"):
            self._refund(100.0)
        refund.sudo(self.manager).action_check_refund()  # still pending
        self.assertEqual(refund.state, "refunding")
        self.stripe.set_status(refund.acquirer_reference, "succeeded")
        with self.assertRaises(AccessError):
            refund.sudo(self.salesman).action_check_refund()
        refund.sudo(self.manager).action_check_refund()
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(refund.refund_invoice_id.state, "paid")
        self.assertEqual(self.order.payment_status, "partially_refunded")
        with self.assertRaisesRegex(UserError, "Only refunds waiting"):
            refund.sudo(self.manager).action_check_refund()

    def test_pending_refund_that_fails_frees_its_amount(self):
        self.stripe.next_statuses = ["pending"]
        refund = self._refund(50.0)
        self.stripe.set_status(refund.acquirer_reference, "failed")
        refund.sudo(self.manager).action_check_refund()
        self.assertEqual((refund.state, refund.refund_retryable), ("error", False))
        self.assertIn("expired_or_canceled_card", refund.state_message)
        self.assertEqual(refund.refund_invoice_id.state, "cancel")
        self.assertEqual(self.payment.amount_refundable, 143.0)
        # refused at once: failed too
        self.stripe.next_statuses = ["failed"]
        failed = self._refund(50.0)
        self.assertEqual((failed.state, failed.refund_retryable), ("error", False))
        self.assertIn("failed: expired_or_canceled_card", failed.state_message)
        self.assertEqual(self._refund(143.0).state, "refunded")

    def test_pending_refunds_are_checked_every_hour(self):
        cron = self.env.ref("soon_payment_refund.ir_cron_check_pending_refunds")
        self.assertEqual((cron.interval_number, cron.interval_type, cron.active), (1, "hours", True))
        self.stripe.next_statuses = ["pending", "pending"]
        first = self._refund(50.0)
        second = self._refund(20.0)
        self.stripe.set_status(first.acquirer_reference, "succeeded")
        Tx = self.env["payment.transaction"]
        Tx._cron_check_pending_refunds()
        self.assertEqual((first.state, second.state), ("refunded", "refunding"))
        # Stripe unreachable: nothing changes, nothing raised, the next run checks again
        self.stripe.set_status(second.acquirer_reference, "failed")
        parameters = self.env["ir.config_parameter"].sudo()
        parameters.set_param("soon_payment_refund_stripe.api_url", "http://127.0.0.1:9")  # nothing listens there
        Tx._cron_check_pending_refunds()
        self.assertEqual(second.state, "refunding")
        with self.assertRaisesRegex(UserError, "Stripe could not be reached"):
            second.sudo(self.manager).action_check_refund()
        parameters.set_param("soon_payment_refund_stripe.api_url", self.stripe.url)
        Tx._cron_check_pending_refunds()
        self.assertEqual((second.state, second.refund_retryable), ("error", False))
        self.assertEqual(self.payment.amount_refundable, 93.0)

    def test_payment_without_charge_reference_is_refused_before_calling_stripe(self):
        self.payment.acquirer_reference = False
        with self.assertRaisesRegex(UserError, "no Stripe charge reference"):
            self._refund(10.0)
        self.assertEqual(self.stripe.requests, [])
        self.assertFalse(self.payment.refund_transaction_ids)

    def test_api_url_comes_from_the_configuration(self):
        Acquirer = self.env["payment.acquirer"]
        self.assertEqual(Acquirer._get_stripe_refund_url(), self.stripe.url + "/v1/refunds")
        self.env["ir.config_parameter"].sudo().set_param("soon_payment_refund_stripe.api_url", False)
        self.assertEqual(Acquirer._get_stripe_refund_url(), "https://api.stripe.com/v1/refunds")
