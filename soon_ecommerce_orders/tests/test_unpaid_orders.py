# -*- coding: utf-8 -*-
"""Cash on delivery / pay in store / wire transfer: quotation sent, manual
confirmation that reserves stock, payment recorded later, ageing."""

from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from ..models.settings_keys import PARAM_AUTOMATIC_INVOICE, PARAM_UNPAID_CANCEL_DAYS, PARAM_UNPAID_REMINDER_DAYS
from .common import EcommerceOrdersCase


class TestUnpaidOrders(EcommerceOrdersCase):
    def checkout(self, acquirer):
        """The website flow of a pay-later method: pending transaction -> quotation sent."""
        order = self.make_order(qty=2)
        tx = self.make_tx(order, acquirer=acquirer)
        tx.form_feedback(
            {"reference": tx.reference, "amount": str(tx.amount), "currency": tx.currency_id.name}, "transfer"
        )
        return order

    def test_pay_later_methods_are_shipped(self):
        odoo_pending = self.transfer.pending_msg or ""
        for acquirer in (self.cod, self.pay_in_store):
            self.assertEqual(acquirer.provider, "transfer")
            self.assertTrue(acquirer.post_msg)
            # their own pending message, not Odoo's "successfully processed"
            self.assertIn("your order is registered", acquirer.pending_msg)
            self.assertNotIn("successfully processed", acquirer.pending_msg)
            self.assertNotEqual(acquirer.pending_msg, odoo_pending)
        self.assertIn("courier", self.cod.post_msg)
        self.assertIn("courier", self.cod.pending_msg)
        self.assertIn("store", self.pay_in_store.post_msg)
        self.assertIn("store", self.pay_in_store.pending_msg)

    def test_pay_later_orders_stay_quotation_sent_without_reservation(self):
        for acquirer in (self.cod, self.pay_in_store):
            order = self.checkout(acquirer)
            self.assertEqual(order.payment_tx_id.acquirer_id, acquirer)
            self.assertEqual(order.payment_tx_id.state, "pending")
            self.assertEqual(order.state, "sent")
            self.assertEqual(order.payment_status, "pending")
            self.assertTrue(order.is_unpaid_order)
            self.assertIn(order, self.env["sale.order"].search([("is_unpaid_order", "=", True)]))
            self.assertFalse(order.picking_ids)
            moves = self.env["stock.move"].search([("sale_line_id", "in", order.order_line.ids)])
            self.assertFalse(moves, "no stock move may exist before the manual confirmation")

    def test_confirm_and_reserve(self):
        order = self.checkout(self.cod)
        available_before = self.product.with_context(location=self.stock_location.id).qty_available
        order.action_confirm_and_reserve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.payment_status, "pending", "confirmed, still to be paid")
        self.assertEqual(len(order.picking_ids), 1)
        picking = order.picking_ids
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(sum(picking.move_lines.mapped("reserved_availability")), 2)
        # double click: nothing more happens
        order.action_confirm_and_reserve()
        self.assertEqual(order.picking_ids, picking)
        self.assertEqual(sum(picking.move_lines.mapped("reserved_availability")), 2)
        self.assertEqual(self.product.with_context(location=self.stock_location.id).qty_available, available_before)
        self.assertTrue(order.message_ids.filtered(lambda m: "reserved" in (m.body or "")))

    def test_confirm_cancelled_quotation_is_refused(self):
        cancelled = self.checkout(self.cod)
        cancelled.action_cancel()
        other = self.checkout(self.pay_in_store)
        with self.assertRaises(UserError) as error:
            (other | cancelled).action_confirm_and_reserve()
        self.assertIn(cancelled.name, error.exception.name)
        self.assertEqual(cancelled.state, "cancel")
        self.assertEqual(other.state, "sent", "a refused batch changes nothing")
        self.assertFalse(other.picking_ids)

    def test_bulk_confirm_from_unpaid_orders(self):
        orders = self.checkout(self.cod) | self.checkout(self.pay_in_store) | self.checkout(self.transfer)
        action = self.env.ref("soon_ecommerce_orders.sale_order_action_confirm_and_reserve")
        action.with_context(active_model="sale.order", active_ids=orders.ids, active_id=orders[0].id).run()
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(len(orders.mapped("picking_ids")), 3)
        self.assertEqual(set(orders.mapped("picking_ids.state")), {"assigned"})

    def test_mark_as_paid(self):
        order = self.checkout(self.cod)
        order.action_confirm_and_reserve()
        picking = order.picking_ids
        with patch.object(type(order), "action_confirm", side_effect=AssertionError("re-confirmed")):
            order.action_mark_as_paid()
        self.assertEqual(order.payment_status, "paid")
        self.assertEqual(order.payment_tx_id.state, "done")
        self.assertEqual(order.picking_ids, picking)
        order.action_mark_as_paid()  # second click: no error, nothing new
        self.assertEqual(order.payment_status, "paid")
        self.assertFalse(order.is_unpaid_order)

    def test_mark_as_paid_with_automatic_invoice_creates_and_pays_the_invoice(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_AUTOMATIC_INVOICE, "True")
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.user.company_id.id)], limit=1
        )
        self.cod.journal_id = bank
        order = self.checkout(self.cod)
        order.action_confirm_and_reserve()
        self.assertFalse(order.invoice_ids)

        order.action_mark_as_paid()

        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(invoice.amount_total, order.amount_total)
        payment = invoice.payment_ids
        self.assertEqual(len(payment), 1)
        self.assertEqual((payment.amount, payment.journal_id), (order.amount_total, bank))
        self.assertEqual(payment.payment_transaction_id, order.payment_tx_id)
        self.assertEqual(order.payment_tx_id.state, "done")
        self.assertEqual(order.invoice_status, "invoiced")
        mails = self.env["mail.mail"].search([("model", "=", "account.invoice"), ("res_id", "=", invoice.id)])
        self.assertEqual(len(mails), 1, "emailed to the customer, as the automatic invoice of an online payment")
        order.action_mark_as_paid()  # second click: no second invoice
        self.assertEqual(order.invoice_ids, invoice)
        self.assertEqual(len(invoice.payment_ids), 1)

    def test_mark_as_paid_without_automatic_invoice_creates_no_invoice(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_AUTOMATIC_INVOICE, False)
        order = self.checkout(self.cod)
        order.action_mark_as_paid()
        self.assertEqual((order.state, order.payment_status), ("sale", "paid"))
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.invoice_status, "to invoice")

    def test_mark_as_paid_quotation_confirms_it(self):
        order = self.checkout(self.transfer)
        order.action_mark_as_paid()
        self.assertEqual((order.state, order.payment_status), ("sale", "paid"))

    def test_mark_as_paid_refused_for_card_payments(self):
        order = self.make_order()
        self.make_tx(order, acquirer=self.env.ref("payment.payment_acquirer_stripe"), state="pending")
        with self.assertRaises(UserError):
            order.action_mark_as_paid()
        self.assertEqual(order.payment_status, "pending")

    def _age(self, order, days):
        order.checkout_date = fields.Datetime.to_string(datetime.utcnow() - timedelta(days=days))

    def _reminders(self, order):
        return self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("subject", "ilike", "waiting for your payment")]
        )

    def test_ageing_reminds_once_then_cancels(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_UNPAID_REMINDER_DAYS, "3")
        params.set_param(PARAM_UNPAID_CANCEL_DAYS, "7")
        young, reminded, expired = (self.checkout(self.cod) for _ in range(3))
        confirmed = self.checkout(self.cod)
        confirmed.action_confirm_and_reserve()
        paid = self.checkout(self.transfer)
        paid.payment_tx_id.state = "done"
        self._age(young, 1)
        for order in (reminded, confirmed, paid):
            self._age(order, 4)
        self._age(expired, 8)
        Order = self.env["sale.order"]
        Order._cron_unpaid_orders_ageing()
        self.assertEqual(len(self._reminders(reminded)), 1)
        self.assertIn(self.customer, self._reminders(reminded).recipient_ids)
        self.assertTrue(reminded.unpaid_reminder_date)
        self.assertEqual(reminded.state, "sent")
        self.assertEqual(expired.state, "cancel")
        self.assertTrue(expired.message_ids.filtered(lambda m: "cancelled automatically" in (m.body or "")))
        for order in (young, confirmed, paid):
            self.assertFalse(self._reminders(order))
            self.assertNotEqual(order.state, "cancel")
        Order._cron_unpaid_orders_ageing()  # the next day: still one reminder
        self.assertEqual(len(self._reminders(reminded)), 1)

    def test_ageing_off_by_default(self):
        order = self.checkout(self.cod)
        self._age(order, 400)
        self.env["sale.order"]._cron_unpaid_orders_ageing()
        self.assertEqual(order.state, "sent")
        self.assertFalse(self._reminders(order))

    def test_ageing_failure_does_not_stop_the_batch(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_UNPAID_CANCEL_DAYS, "2")
        first, second = self.checkout(self.cod), self.checkout(self.cod)
        self._age(first, 5)
        self._age(second, 5)
        original = type(first).action_cancel

        def failing_cancel(orders):
            if first in orders:
                raise UserError("boom")  # pylint: disable=translation-required
            return original(orders)

        # the failure is logged with its traceback, on purpose: kept out of the test log
        with (
            patch.object(type(first), "action_cancel", failing_cancel),
            mute_logger("odoo.addons.soon_ecommerce_orders.models.sale_order"),
        ):
            self.env["sale.order"]._cron_unpaid_orders_ageing()
        self.assertEqual(first.state, "sent")
        self.assertEqual(second.state, "cancel")
