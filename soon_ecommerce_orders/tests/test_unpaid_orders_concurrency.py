# -*- coding: utf-8 -*-
"""Confirm and Reserve / Mark as Paid pressed by two workers at once (two
members of staff, a double click answered by two HTTP workers).

Real concurrency: each worker is a transaction on its own connection
(``soon_testing.common.Worker``, retried on a serialisation failure as Odoo's
request dispatch retries it), so the order is created and committed first and
removed again in a cleanup. Worker A does the work and is held before its
commit; worker B then presses the same button and must wait for A's row lock
(seen in ``pg_locks``), then, once A has committed, run again and do nothing:
one delivery, one reservation, one invoice, one payment, one chatter message.
"""

import threading
from unittest.mock import patch

from odoo.tools import mute_logger

from soon_testing.common import ConcurrencyCase

from ..models.sale_order import SaleOrder
from ..models.settings_keys import PARAM_AUTOMATIC_INVOICE

WAIT = 30  # seconds: upper bound only, the tests wait on events and locks, not on time
TAG = "SoOn unpaid concurrency"


class TestUnpaidOrdersConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(self.cleanup)
        self.ids = {}
        with self.committed_env() as env:
            stock = env.ref("stock.stock_location_stock")
            product = env["product.product"].create(
                {"name": TAG, "type": "product", "list_price": 30.0, "invoice_policy": "order"}
            )
            self.ids["product"] = product.product_tmpl_id.id
            env["stock.quant"]._update_available_quantity(product, stock, 10)
            partner = env["res.partner"].create({"name": TAG, "email": "unpaid.concurrency@example.com"})
            self.ids["partner"] = partner.id
            cod = env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
            bank = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", env.user.company_id.id)], limit=1
            )
            # Odoo's invoice payment writes a journal on an acquirer without one: give it one, restored after
            self.ids["cod"], self.ids["cod_journal"] = cod.id, cod.journal_id.id
            cod.journal_id = bank
            params = env["ir.config_parameter"].sudo()
            self.ids["automatic_invoice"] = params.get_param(PARAM_AUTOMATIC_INVOICE, default=False)
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "team_id": env.ref("sales_team.salesteam_website_sales").id,
                    "website_order": True,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2, "price_unit": 30.0})],
                }
            )
            self.ids["order"] = order.id
            # the website flow of cash on delivery: a pending transaction, the quotation sent
            tx = env["payment.transaction"].create(
                {
                    "acquirer_id": cod.id,
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": partner.id,
                    "reference": "%s-1" % order.name,
                    "sale_order_id": order.id,
                    "state": "pending",
                }
            )
            order.write({"payment_tx_id": tx.id, "state": "sent"})
            self.ids["tx"] = tx.id

    def cleanup(self):
        with self.committed_env() as env:
            order = env["sale.order"].browse(self.ids["order"])
            invoices = order.invoice_ids
            payments = invoices.mapped("payment_ids")
            journals = invoices.mapped("journal_id") | payments.mapped("journal_id")
            posted = {journal: journal.update_posted for journal in journals}
            journals.write({"update_posted": True})  # Odoo cancels posted entries only then
            payments.cancel()
            payments.write({"move_name": False})
            payments.unlink()
            invoices.filtered(lambda inv: inv.state != "cancel").action_invoice_cancel()
            invoices.write({"move_name": False})
            invoices.unlink()
            for journal, value in posted.items():
                journal.update_posted = value
            pickings, group = order.picking_ids, order.procurement_group_id
            pickings.action_cancel()
            pickings.unlink()
            order.action_cancel()
            order.unlink()
            group.unlink()
            env["payment.transaction"].browse(self.ids["tx"]).unlink()
            env["payment.acquirer"].browse(self.ids["cod"]).journal_id = self.ids["cod_journal"]
            env["ir.config_parameter"].sudo().set_param(PARAM_AUTOMATIC_INVOICE, self.ids["automatic_invoice"])
            template = env["product.template"].browse(self.ids["product"])
            # superuser only: the reservation is gone, the quant holds the stock the test put there
            env["stock.quant"].search([("product_id", "in", template.product_variant_ids.ids)]).unlink()
            template.unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()

    # ------------------------------------------------------------ helpers
    def race(self, method):
        """Worker A presses ``method`` and is held before its commit; worker B
        presses it too and must wait for A's lock; A commits, B finishes.
        Returns both workers."""
        a_done, release = threading.Event(), threading.Event()
        original = getattr(SaleOrder, method)

        def held(orders, *args, **kwargs):
            result = original(orders, *args, **kwargs)
            if threading.current_thread().name == "A":
                a_done.set()
                release.wait(WAIT)
            return result

        def press(env):
            return getattr(env["sale.order"].browse(self.ids["order"]), method)()

        # B's first transaction fails to serialise on purpose: Odoo's cursor logs it as a "bad query"
        with patch.object(SaleOrder, method, held), mute_logger("odoo.sql_db"):
            worker_a = self.worker("A", press)
            try:
                self.assertTrue(a_done.wait(WAIT), "worker A did not finish its work")
                worker_b = self.worker("B", press)
                # B waits in the add-on's row lock, before doing anything
                self.assertWaitsForLock(WAIT, statement=r"FROM sale_order WHERE id IN .* FOR UPDATE")
                self.assertTrue(worker_b.is_alive(), "worker B did not wait for A")
            finally:
                release.set()
            self.assertIs(worker_a.outcome(WAIT), True)
            self.assertIs(worker_b.outcome(WAIT), True)
        # B's first transaction waited for A's lock, then could not use the row A
        # changed (serialisation failure) and ran again, from A's committed state
        self.assertEqual((worker_a.attempts, worker_b.attempts), (1, 2))
        return worker_a, worker_b

    def committed_state(self, env):
        order = env["sale.order"].browse(self.ids["order"])
        messages = order.message_ids.mapped("body")
        return order, messages

    # ------------------------------------------------------------ tests
    def test_confirm_and_reserve_by_two_workers_confirms_once(self):
        self.race("action_confirm_and_reserve")
        with self.committed_env() as env:
            order, messages = self.committed_state(env)
            self.assertEqual(order.state, "sale")
            self.assertEqual(order.payment_status, "pending", "confirmed, still to be paid")
            self.assertEqual(len(order.picking_ids), 1, "one delivery")
            picking = order.picking_ids
            self.assertEqual(picking.state, "assigned")
            self.assertEqual(sum(picking.move_lines.mapped("reserved_availability")), 2)
            quants = env["stock.quant"].search(
                [
                    ("product_id", "=", order.order_line.product_id.id),
                    ("location_id", "=", env.ref("stock.stock_location_stock").id),
                ]
            )
            self.assertEqual(sum(quants.mapped("reserved_quantity")), 2, "reserved once, not twice")
            self.assertEqual(len([body for body in messages if "Order confirmed manually" in (body or "")]), 1)

    def test_mark_as_paid_by_two_workers_invoices_and_pays_once(self):
        with self.committed_env() as env:
            env["sale.order"].browse(self.ids["order"]).action_confirm_and_reserve()
            env["ir.config_parameter"].sudo().set_param(PARAM_AUTOMATIC_INVOICE, "True")
        self.race("action_mark_as_paid")
        with self.committed_env() as env:
            order, messages = self.committed_state(env)
            self.assertEqual((order.state, order.payment_status), ("sale", "paid"))
            self.assertEqual(order.payment_tx_id.state, "done")
            self.assertEqual(len(order.picking_ids), 1)
            invoice = order.invoice_ids
            self.assertEqual(len(invoice), 1, "one invoice")
            self.assertEqual(invoice.state, "paid")
            self.assertEqual(len(invoice.payment_ids), 1, "one payment")
            self.assertEqual(invoice.payment_ids.amount, order.amount_total)
            mails = env["mail.mail"].search([("model", "=", "account.invoice"), ("res_id", "=", invoice.id)])
            self.assertEqual(len(mails), 1, "the invoice emailed once")
            self.assertEqual(len([body for body in messages if "Payment recorded by" in (body or "")]), 1)
