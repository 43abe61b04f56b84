"""What the refunds trust is written by the providers and the refund code
only: every employee may write ``payment.transaction`` in Odoo 11, so a
salesperson's write (or create) of a charge id, a state, an amount or a
refund's bookkeeping is refused on the server. Also: the demo acquirer is
published on demo shops only, VND amounts are whole đồng, and the refund
wizard checks its user whatever the way in."""

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import MAGIC_COLUMNS

from .common import RefundsCase


class TestRefundFieldGuards(RefundsCase):
    def setUp(self):
        super().setUp()
        self.order = self._paid_order(self.customer.partner_id, [(self.product_a, 2, 50.0)], deliver=True)
        self.payment = self._payment(self.order)
        self.other_order = self._paid_order(self.stranger.partner_id, [(self.product_b, 1, 80.0)])
        self.stripe = self.env.ref("payment.payment_acquirer_stripe")
        self.transfer = self.env.ref("payment.payment_acquirer_transfer")

    def _refused(self, tx, values):
        """``values`` written by the salesperson: refused, nothing changed."""
        before = tx.read(list(values))[0]
        with self.assertRaises(AccessError, msg="salesperson wrote %s" % values):
            tx.sudo(self.salesman).write(values)
        tx.invalidate_cache()
        self.assertEqual(tx.read(list(values))[0], before)

    def test_salesperson_cannot_tamper_with_a_captured_payment(self):
        self.assertEqual((self.payment.state, self.payment.operation), ("done", "payment"))
        guarded = {
            "acquirer_reference": "ch_salesperson_card",
            "state": "cancel",
            "amount": 10000.0,
            "currency_id": self.env.ref("base.EUR").id,
            "acquirer_id": self.stripe.id,
            "sale_order_id": self.other_order.id,
            "operation": "refund",
            "source_transaction_id": self._payment(self.other_order).id,
            "refund_idempotency_key": "forged-key",
            "refund_retryable": True,
            "refund_manual": True,
            "refund_reason": "forged",
            "refund_user_id": self.salesman.id,
        }
        for name, value in guarded.items():
            with self.subTest(field=name):
                self._refused(self.payment, {name: value})
        # what the refunds do not rely on stays editable
        self.payment.sudo(self.salesman).write({"state_message": "Customer called", "partner_phone": "0123"})
        self.assertEqual(self.payment.state_message, "Customer called")
        # and a manager's refund still goes through
        self._wizard(self.order, self.manager).action_refund()
        self.assertEqual(self.payment.refund_transaction_ids.state, "refunded")

    def test_salesperson_cannot_cancel_a_refund_or_change_its_key(self):
        refund = self.payment.sudo(self.manager)._refund(amount=30.0)
        self.assertEqual(refund.state, "refunded")
        for values in (
            {"state": "cancel"},
            {"amount": -1.0},
            {"acquirer_reference": "re_other"},
            {"refund_idempotency_key": "soon-refund-new"},
            {"source_transaction_id": self._payment(self.other_order).id},
            {"refund_payment_id": False},
            {"refund_invoice_id": False},
        ):
            with self.subTest(values=values):
                self._refused(refund, values)
        self.assertAlmostEqual(self.payment.amount_refundable, 80.0)

    def test_salesperson_cannot_change_the_key_of_an_attempt_to_retry(self):
        self.demo.soon_demo_refund_outcome = "unavailable"
        attempt = self.payment.sudo(self.manager)._refund(amount=30.0)
        self.assertEqual((attempt.state, attempt.refund_retryable), ("error", True))
        self._refused(attempt, {"refund_idempotency_key": "soon-refund-forged"})
        self._refused(attempt, {"refund_retryable": False})
        self._refused(attempt, {"state": "cancel"})
        # the manager's own buttons still work
        attempt.sudo(self.manager).action_abandon_refund()
        self.assertEqual(attempt.state, "cancel")

    def test_salesperson_cannot_capture_a_payment_with_their_charge(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.partner_id.id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 10, "price_unit": 500.0})],
            }
        )
        tx = self.env["payment.transaction"]._check_or_create_sale_tx(order, self.stripe)
        self.assertEqual(tx.state, "draft")
        self._refused(tx, {"state": "done", "acquirer_reference": "ch_salesperson_card"})
        self._refused(tx, {"state": "done"})
        self._refused(tx, {"state": "refunded"})
        Tx = self.env["payment.transaction"].sudo(self.salesman)
        values = {
            "acquirer_id": self.stripe.id,
            "amount": 5000.0,
            "currency_id": order.currency_id.id,
            "partner_country_id": self.env.ref("base.us").id,
            "sale_order_id": order.id,
        }
        with self.assertRaises(AccessError):
            Tx.create(dict(values, reference="FORGED-1", state="done", acquirer_reference="ch_salesperson_card"))
        with self.assertRaises(AccessError):
            Tx.create(
                dict(
                    values,
                    reference="FORGED-2",
                    amount=-50.0,
                    operation="refund",
                    state="refunded",
                    source_transaction_id=self.payment.id,
                )
            )
        with self.assertRaises(AccessError):
            Tx.create(dict(values, reference="FORGED-3", refund_idempotency_key="k"))
        self.assertFalse(self.env["payment.transaction"].search([("reference", "like", "FORGED-")]))
        # the provider's feedback (as superuser) still captures it
        tx.sudo().write({"state": "done", "acquirer_reference": "ch_real"})
        self.assertEqual(tx.state, "done")

    def test_salesperson_still_marks_a_wire_transfer_paid(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.partner_id.id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1, "price_unit": 50.0})],
            }
        )
        tx = self.env["payment.transaction"]._check_or_create_sale_tx(order, self.transfer)
        tx.write({"state": "pending"})
        draft = (
            self.env["payment.transaction"]
            .sudo(self.salesman)
            .create(
                {
                    "acquirer_id": self.transfer.id,
                    "amount": 1.0,
                    "currency_id": order.currency_id.id,
                    "partner_country_id": self.env.ref("base.us").id,
                    "reference": "HARMLESS-DRAFT",
                }
            )
        )
        self.assertEqual((draft.state, draft.operation), ("draft", "payment"))
        tx.sudo(self.salesman).write({"state": "done"})
        self.assertEqual(tx.state, "done")
        # once done, it is the refunds' to change
        self._refused(tx, {"state": "pending"})


class TestDemoAcquirerPublishing(RefundsCase):
    def _enable(self, value):
        self.env["ir.config_parameter"].set_param("soon.demo_payments_enabled", value)

    def _refused(self, function, *args):
        """Refused as over RPC: the request's transaction is rolled back."""
        with self.assertRaisesRegex(ValidationError, "cannot be published"), self.env.cr.savepoint():
            function(*args)
        self.demo.invalidate_cache()
        self.assertFalse(self.demo.website_published)

    def test_demo_shop_data_enables_demo_payments(self):
        self.assertEqual(self.env["ir.config_parameter"].get_param("soon.demo_payments_enabled"), "True")
        self.assertTrue(self.env.ref("soon_payment_demo.payment_acquirer_soon_demo").website_published)

    def test_demo_acquirer_is_not_published_on_a_live_shop(self):
        self._enable("False")
        self._refused(self.demo.write, {"website_published": True})
        self._refused(self.demo.toggle_website_published)
        values = {"name": "Demo again", "provider": "soon_demo", "website_published": True, "environment": "test"}
        self._refused(self.env["payment.acquirer"].create, values)
        self.assertFalse(self.env["payment.acquirer"].search([("name", "=", "Demo again")]))
        # any other acquirer is published as before
        transfer = self.env.ref("payment.payment_acquirer_transfer")
        transfer.write({"website_published": True})
        self.assertTrue(transfer.website_published)

    def test_demo_acquirer_is_published_where_demo_payments_are_enabled(self):
        for value in ("", "0", "junk"):
            self._enable(value)
            self._refused(self.demo.write, {"website_published": True})
        self._enable("True")
        self.demo.write({"website_published": True})
        self.assertTrue(self.demo.website_published)


class TestVndWholeDong(RefundsCase):
    def setUp(self):
        super().setUp()
        self.vnd = self.env.ref("base.VND")
        self.vnd.active = True
        pricelist = self.env["product.pricelist"].create({"name": "VND (guards)", "currency_id": self.vnd.id})
        self.order = self._paid_order(self.customer.partner_id, [(self.product_a, 2, 50000.0)], pricelist=pricelist)
        self.payment = self._payment(self.order)
        self.assertEqual(self.payment.amount, 110000.0)

    def test_vnd_has_no_decimals(self):
        self.assertEqual(self.vnd.rounding, 1.0)
        self.assertEqual(self.vnd.decimal_places, 0)
        # base's data reloaded (its record is noupdate: only a fresh install resets it): every update fixes it
        self.vnd.rounding = 0.01
        self.env["res.currency"]._soon_set_whole_unit_rounding()
        self.assertEqual((self.vnd.rounding, self.vnd.decimal_places), (1.0, 0))
        self.assertEqual(self.env.ref("base.EUR").rounding, 0.01)

    def test_refund_checks_count_whole_dong(self):
        # a database whose base data was reloaded: VND with cents again
        self.vnd.rounding = 0.01
        with self.assertRaisesRegex(UserError, "above zero"):
            self.payment._refund(amount=0.4)
        refund = self.payment._refund(amount=50000.4)
        self.assertEqual(refund.state, "refunded")
        self.assertEqual(refund.amount, -50000.0)
        self.assertEqual(refund.refund_invoice_id.amount_total, 50000.0)
        self.assertEqual(self.payment.amount_refundable, 60000.0)

    def test_demo_form_junk_is_invalid_not_an_error(self):
        tx = self.payment
        data = tx._soon_demo_form_data()
        self.assertFalse(tx._soon_demo_form_get_invalid_parameters(data))
        for junk in (
            {"amount": "nan"},
            {"amount": "inf"},
            {"amount": "-inf"},
            {"amount": "1e400"},
            {"amount": None},
            {"amount": "abc"},
            {"signature": "é" * 64},
            {"signature": None},
        ):
            with self.subTest(junk=junk):
                invalid = tx._soon_demo_form_get_invalid_parameters(dict(data, **junk))
                self.assertEqual([item[0] for item in invalid], list(junk))


class TestRefundWizardAccess(RefundsCase):
    def setUp(self):
        super().setUp()
        self.order = self._paid_order(self.customer.partner_id, [(self.product_a, 2, 50.0)], deliver=True)
        self.payment = self._payment(self.order)
        self.other_order = self._paid_order(self.stranger.partner_id, [(self.product_b, 3, 80.0)])
        self.other_payment = self._payment(self.other_order)
        self.Wizard = self.env["payment.refund.wizard"]

    def test_create_with_every_field_checks_the_user(self):
        # every field given: Odoo does not even call default_get
        values = {name: False for name in self.Wizard._fields if name not in MAGIC_COLUMNS}
        values.update(
            {
                "order_id": self.other_order.id,
                "transaction_id": self.other_payment.id,
                "acquirer_id": self.other_payment.acquirer_id.id,
                "currency_id": self.other_payment.currency_id.id,
                "refund_support": self.other_payment.acquirer_id.refund_support,
                "method": "provider",
                "amount": 10.0,
            }
        )
        for user in (self.salesman, self.customer):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Wizard.sudo(user).create(values)
        self.assertFalse(self.Wizard.search([("order_id", "=", self.other_order.id)]))

    def test_amounts_are_read_after_the_check(self):
        wizard = self.Wizard.sudo(self.manager).create(
            {"order_id": self.order.id, "transaction_id": self.payment.id, "method": "provider", "amount": 10.0}
        )
        self.assertEqual(wizard.amount_refundable, 110.0)
        # the form's onchange (callable over RPC) as someone who may not refund: no amounts of any payment
        Wizard = self.Wizard.sudo(self.salesman)
        values = {"order_id": self.other_order.id, "transaction_id": self.other_payment.id, "method": "provider"}
        with self.assertRaises(AccessError):
            Wizard.onchange(values, "transaction_id", Wizard._onchange_spec())
        with self.assertRaises(AccessError):
            self.assertFalse(Wizard.new(values).amount_paid)
        with self.assertRaises(AccessError):
            Wizard.new(values)._onchange_transaction_id()
        with self.assertRaises(AccessError):
            wizard.sudo(self.salesman).action_refund()
        self.assertFalse(self.payment.refund_transaction_ids)

    def test_wizard_payment_must_be_the_orders(self):
        with self.assertRaises(UserError):
            self.Wizard.sudo(self.manager).create(
                {"order_id": self.order.id, "transaction_id": self.other_payment.id, "method": "provider"}
            )
        self.assertFalse(self.other_payment.refund_transaction_ids)

    def test_fully_refunded_order_says_so(self):
        self._wizard(self.order, self.manager).action_refund()
        self.assertEqual(self.order.payment_status, "refunded")
        with self.assertRaisesRegex(UserError, "already fully refunded"):
            self._wizard(self.order, self.manager)


class TestSavedCardPayment(RefundsCase):
    """Odoo's "register a payment with a saved card" charges through the
    provider as the accountant: still works with the guards."""

    def test_accountant_charges_a_saved_card(self):
        partner = self.customer.partner_id
        token = self.env["payment.token"].create(
            {"name": "Demo card 4242", "partner_id": partner.id, "acquirer_id": self.demo.id, "acquirer_ref": "tok"}
        )
        Tx = type(self.env["payment.transaction"])

        def charge(tx, **kwargs):
            # what a provider's s2s answer does (e.g. Stripe's _stripe_s2s_validate_tree), as the calling user
            tx.write({"state": "done", "acquirer_reference": "demo_ch_saved_card"})
            return True

        values = {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": partner.id,
            "amount": 42.0,
            "journal_id": self.bank_journal.id,
            "payment_method_id": self.env.ref("payment.account_payment_method_electronic_in").id,
            "payment_token_id": token.id,
        }
        with patch.object(Tx, "s2s_do_transaction", charge, create=True):
            payment = self.env["account.payment"].sudo(self.accountant).create(values)
        tx = payment.sudo().payment_transaction_id
        self.assertEqual((tx.state, tx.acquirer_reference, tx.amount), ("done", "demo_ch_saved_card", 42.0))
        # a salesperson (who sees every transaction) still cannot rewrite it afterwards
        with self.assertRaises(AccessError):
            tx.sudo(self.salesman).write({"acquirer_reference": "ch_other"})


class TestDemoSignature(RefundsCase):
    """``soon_demo_form_generate_values`` is public (Odoo's ``render`` calls it
    by name), so any user may call it over RPC: it signs only an existing
    draft or pending transaction of the acquirer, with its own amount and
    currency, for trusted code or the transaction's own customer."""

    def setUp(self):
        super().setUp()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.partner_id.id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1, "price_unit": 50.0})],
            }
        )
        self.tx = self.env["payment.transaction"]._check_or_create_sale_tx(order, self.demo)
        self.values = {"reference": self.tx.reference, "amount": self.tx.amount, "currency": self.tx.currency_id}
        self.expected = self.tx._soon_demo_signature(self.tx.reference, self.tx.amount, self.tx.currency_id.name)

    def _sign(self, values, user=None):
        acquirer = self.demo.sudo(user) if user else self.demo
        return acquirer.soon_demo_form_generate_values(values)["soon_demo_signature"]

    def test_rendering_the_payment_form_signs_the_transaction(self):
        self.assertEqual(self._sign(self.values), self.expected)
        # the transaction's own customer, over RPC
        self.assertEqual(self._sign(dict(self.values, currency=None), self.customer), self.expected)

    def test_no_signature_for_made_up_values(self):
        for values in (
            dict(self.values, reference="SO-MADE-UP"),
            dict(self.values, reference=None),
            dict(self.values, amount=self.tx.amount - 1),
            dict(self.values, amount="nan"),
            dict(self.values, amount=None),
            dict(self.values, currency=self.env.ref("base.EUR")),
            {"reference": "/", "amount": 10.0, "currency": self.tx.currency_id},  # the shop's page before a transaction
        ):
            with self.subTest(values=values):
                self.assertFalse(self._sign(values))

    def test_no_signature_for_another_customer_or_another_acquirer(self):
        self.assertFalse(self._sign(self.values, self.stranger))
        self.assertFalse(self._sign(self.values, self.salesman))
        other = self.env["payment.acquirer"].create(
            {"name": "Demo 2 (tests)", "provider": "soon_demo", "environment": "test"}
        )
        self.assertFalse(other.soon_demo_form_generate_values(self.values)["soon_demo_signature"])

    def test_no_signature_once_the_transaction_is_paid(self):
        self.env["payment.transaction"].form_feedback(self.tx._soon_demo_form_data(), "soon_demo")
        self.assertEqual(self.tx.state, "done")
        self.assertFalse(self._sign(self.values))
