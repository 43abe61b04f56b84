# -*- coding: utf-8 -*-
"""Two workers at once: the "shipped" email job run by two cron workers, and
two "Process deliveries" wizards on the same order.

Real concurrency: each worker is a transaction on its own connection
(``soon_testing.common.Worker``), so the data is created and committed first,
and deleted again (and committed) in a cleanup, also when a test fails.
Finished transfers cannot be deleted through the ORM (Odoo refuses to delete
done moves), so the cleanup removes the test's own rows with SQL. Deliveries
other tests or the demo shop left in the email queue are kept out of reach by
a third connection holding their row locks (the job skips locked rows).
"""

import threading
from unittest.mock import patch

from odoo.tools import mute_logger

from soon_testing.common import ConcurrencyCase

from ..models.stock_picking import StockPicking
from ..wizard.delivery_process import DeliveryProcess

WAIT = 30  # seconds: upper bound only, the tests wait on events, not on time
TAG = "SoOn delivery concurrency"


class TestDeliveryConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        self.created = {"picking": [], "order": [], "wizard": []}
        self.addCleanup(self.cleanup)
        with self.committed_env(context={"tracking_disable": True, "lang": "en_US"}) as env:
            company = env.user.company_id
            self.company_values = {
                "shipped_email_enabled": company.shipped_email_enabled,
                "shipped_email_template_id": company.shipped_email_template_id.id,
            }
            company.write(
                {
                    "shipped_email_enabled": True,
                    "shipped_email_template_id": env.ref("soon_delivery_flow.mail_template_delivery_shipped").id,
                }
            )
            self.product_id = env["product.product"].create({"name": TAG, "type": "consu", "list_price": 10.0}).id
            self.partner_id = (
                env["res.partner"]
                .create(
                    {
                        "name": TAG,
                        "email": "delivery.concurrency@example.com",
                        "street": "25 Hang Bac",
                        "city": "Ha Noi",
                        "country_id": env.ref("base.vn").id,
                        "lang": "en_US",
                    }
                )
                .id
            )

    def cleanup(self):
        with self.committed_env() as env:
            cr = env.cr
            orders = env["sale.order"].browse(self.created["order"])
            pickings = set(self.created["picking"]) | set(orders.mapped("picking_ids").ids)
            groups = orders.mapped("procurement_group_id").ids
            env["soon.delivery.process"].browse(self.created["wizard"]).unlink()
            if pickings:
                picking_ids = tuple(pickings)
                cr.execute(
                    "SELECT DISTINCT result_package_id FROM stock_move_line "
                    "WHERE picking_id IN %s AND result_package_id IS NOT NULL",
                    [picking_ids],
                )
                packages = tuple(row[0] for row in cr.fetchall())
                # emails and chatter of the deliveries (their mail_mail rows cascade)
                cr.execute("DELETE FROM mail_message WHERE model = 'stock.picking' AND res_id IN %s", [picking_ids])
                cr.execute("DELETE FROM stock_move_line WHERE picking_id IN %s", [picking_ids])
                cr.execute("DELETE FROM stock_move WHERE picking_id IN %s", [picking_ids])
                cr.execute("DELETE FROM stock_picking WHERE id IN %s", [picking_ids])
                if packages:
                    cr.execute("DELETE FROM stock_quant_package WHERE id IN %s", [packages])
            if orders:
                cr.execute("DELETE FROM mail_message WHERE model = 'sale.order' AND res_id IN %s", [tuple(orders.ids)])
                cr.execute("DELETE FROM sale_order WHERE id IN %s", [tuple(orders.ids)])  # lines cascade
            if groups:
                cr.execute("DELETE FROM procurement_group WHERE id IN %s", [tuple(groups)])
            env.clear()
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(self.partner_id).unlink()
            env.user.company_id.write(self.company_values)

    # ------------------------------------------------------------ data
    def shipped_deliveries(self, count):
        """``count`` deliveries validated (committed), waiting for the email job."""
        with self.committed_env(context={"tracking_disable": True}) as env:
            warehouse = env.ref("stock.warehouse0")
            product = env["product.product"].browse(self.product_id)
            for index in range(count):
                picking = env["stock.picking"].create(
                    {
                        "picking_type_id": warehouse.out_type_id.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": env.ref("stock.stock_location_customers").id,
                        "partner_id": self.partner_id,
                        "origin": "%s %d" % (TAG, index),
                        "move_lines": [
                            (
                                0,
                                0,
                                {
                                    "name": product.name,
                                    "product_id": product.id,
                                    "product_uom_qty": index + 1,
                                    "product_uom": product.uom_id.id,
                                    "location_id": warehouse.lot_stock_id.id,
                                    "location_dest_id": env.ref("stock.stock_location_customers").id,
                                },
                            )
                        ],
                    }
                )
                self.created["picking"].append(picking.id)
                picking.action_confirm()
                picking.action_assign()
                for move in picking.move_lines:
                    move.quantity_done = move.product_uom_qty
                picking.action_done()
            pickings = env["stock.picking"].browse(self.created["picking"])
            self.assertEqual(set(pickings.mapped("shipped_email_state")), {"to_send"})
            others = env["stock.picking"].search(
                [("shipped_email_state", "=", "to_send"), ("id", "not in", pickings.ids)]
            )
        self.hold_row_locks("stock_picking", others.ids)
        return self.created["picking"]

    def email_state(self):
        """{delivery id: (shipped email state, emails queued)} as committed."""
        with self.committed_env() as env:
            env.cr.execute(
                """
                SELECT p.id, p.shipped_email_state,
                       (SELECT count(*) FROM mail_mail mm JOIN mail_message msg ON msg.id = mm.mail_message_id
                         WHERE msg.model = 'stock.picking' AND msg.res_id = p.id)
                  FROM stock_picking p WHERE p.id IN %s""",
                [tuple(self.created["picking"])],
            )
            return {row[0]: row[1:] for row in env.cr.fetchall()}

    def assertOneEmailEach(self):
        state = self.email_state()
        self.assertEqual(len(state), len(self.created["picking"]))
        for picking_id, values in state.items():
            self.assertEqual(values, ("queued", 1), "delivery %d" % picking_id)

    @staticmethod
    def run_email_job(env, batch_size=2):
        """The "send the customers' shipped emails" cron, as the scheduler runs it."""
        return env["stock.picking"]._cron_send_shipped_emails(batch_size=batch_size, auto_commit=True).ids

    # ------------------------------------------------------------ the shipped email job
    def test_second_email_worker_skips_the_deliveries_the_first_one_holds(self):
        """Worker A holds its first batch (emails written, not committed) while
        worker B runs the whole job: B does not wait, skips A's deliveries and
        sends the others; A commits and finds nothing left."""
        deliveries = self.shipped_deliveries(5)
        a_holds_batch, b_done = threading.Event(), threading.Event()
        original = StockPicking._prepare_shipped_emails

        def prepare(pickings):
            result = original(pickings)
            if threading.current_thread().name == "A" and not a_holds_batch.is_set():
                a_holds_batch.set()
                b_done.wait(WAIT)
            return result

        with patch.object(StockPicking, "_prepare_shipped_emails", prepare):
            worker_a = self.worker("A", self.run_email_job)
            try:
                self.assertTrue(a_holds_batch.wait(WAIT))
                worker_b = self.worker("B", self.run_email_job)
                sent_b = worker_b.outcome(WAIT)  # while A still holds its batch
            finally:
                b_done.set()
            sent_a = worker_a.outcome(WAIT)
        self.assertEqual(len(sent_a), 2, "A's first batch, and nothing after it")
        self.assertEqual(len(sent_b), 3)
        self.assertFalse(set(sent_a) & set(sent_b), "no delivery taken by both workers")
        self.assertEqual(sorted(sent_a + sent_b), sorted(deliveries))
        self.assertOneEmailEach()
        # and the job run again finds nothing to send
        self.assertEqual(self.worker("C", self.run_email_job).outcome(WAIT), [])
        self.assertOneEmailEach()

    def test_two_email_workers_at_the_same_time(self):
        deliveries = self.shipped_deliveries(6)
        start = threading.Barrier(2)
        started = set()

        def job(env):
            # both workers select their first batch together; a worker's retry
            # (after a serialization failure: the other one committed a delivery
            # this one's snapshot still saw as to send) goes straight on
            if threading.current_thread().name not in started:
                started.add(threading.current_thread().name)
                start.wait(WAIT)
            return self.run_email_job(env, batch_size=1)

        with mute_logger("odoo.sql_db"):
            workers = [self.worker(name, job) for name in ("A", "B")]
            sent = [worker.outcome(WAIT) for worker in workers]
        self.assertFalse(set(sent[0]) & set(sent[1]), "no delivery taken by both workers")
        # what a worker's last run sent (a retried worker's first run committed
        # its batches too): the committed emails are the measure, one per delivery
        self.assertLessEqual(set(sent[0]) | set(sent[1]), set(deliveries))
        self.assertOneEmailEach()

    # ------------------------------------------------------------ an order another worker holds
    def test_order_locked_by_another_worker_is_left_alone(self):
        """Another transaction holds the order's transfers: the wizard does not
        wait for it nor ship it, it reports it, and ships the other order."""
        with self.committed_env(context={"tracking_disable": True}) as env:
            orders = env["sale.order"]
            for qty in (2, 1):
                order = env["sale.order"].create(
                    {
                        "partner_id": self.partner_id,
                        "warehouse_id": env.ref("stock.warehouse0").id,
                        "order_line": [(0, 0, {"product_id": self.product_id, "product_uom_qty": qty})],
                    }
                )
                order.action_confirm()
                orders |= order
            self.created["order"] += orders.ids
            locked, free = orders
            locked_pickings = locked.picking_ids.ids
            wizard = env["soon.delivery.process"].create({"sale_order_ids": [(6, 0, orders.ids)]})
            self.created["wizard"].append(wizard.id)
            wizard_id = wizard.id
        # the other worker is validating them: an UPDATE's row lock (FOR NO KEY UPDATE)
        other_worker = self.registry.cursor()
        self.addCleanup(other_worker.close)
        self.addCleanup(other_worker.rollback)
        other_worker.execute("SELECT id FROM stock_picking WHERE id IN %s FOR NO KEY UPDATE", [tuple(locked_pickings)])

        def process(env):
            # never hang the suite if the wizard waited for the lock instead of skipping
            env.cr.execute("SET LOCAL lock_timeout = '10s'")
            return env["soon.delivery.process"].browse(wizard_id).action_process() and True

        worker = self.worker("A", process)
        worker.outcome(WAIT)
        self.assertEqual(worker.attempts, 1)

        with self.committed_env() as env:
            wizard = env["soon.delivery.process"].browse(wizard_id)
            results = {line.sale_order_id.id: (line.result, line.reason or "") for line in wizard.line_ids}
            self.assertEqual(results[locked.id][0], "skipped")
            self.assertIn("Being processed by someone else", results[locked.id][1])
            self.assertEqual(results[free.id][0], "done", results[free.id][1])
            locked_order = env["sale.order"].browse(locked.id)
            self.assertEqual(locked_order.picking_ids.ids, locked_pickings)
            self.assertNotIn("done", locked_order.picking_ids.mapped("state"))
            self.assertEqual(locked_order.order_line.qty_delivered, 0.0)
            self.assertEqual(env["sale.order"].browse(free.id).order_line.qty_delivered, 1.0)

    # ------------------------------------------------------------ two "Process deliveries" wizards
    def test_two_process_wizards_racing_ship_the_order_once(self):
        """Two members of staff process the same order at once: the first
        wizard ships it and is held before its commit; the second does not
        wait and reports the order as being processed by someone else."""
        with self.committed_env(context={"tracking_disable": True}) as env:
            order = env["sale.order"].create(
                {
                    "partner_id": self.partner_id,
                    "warehouse_id": env.ref("stock.warehouse0").id,
                    "order_line": [(0, 0, {"product_id": self.product_id, "product_uom_qty": 3})],
                }
            )
            order.action_confirm()
            self.created["order"].append(order.id)
            pickings_before = order.picking_ids.ids
            Wizard = env["soon.delivery.process"]
            wizards = [Wizard.create({"sale_order_ids": [(6, 0, order.ids)]}).id for _ in range(2)]
            self.created["wizard"] += wizards
        a_done, release = threading.Event(), threading.Event()
        original = DeliveryProcess.action_process

        def held(wizard):
            result = original(wizard)
            if threading.current_thread().name == "A":
                a_done.set()
                release.wait(WAIT)
            return result

        def process(wizard_id):
            return lambda env: env["soon.delivery.process"].browse(wizard_id).action_process() and True

        with patch.object(DeliveryProcess, "action_process", held):
            worker_a = self.worker("A", process(wizards[0]))
            try:
                self.assertTrue(a_done.wait(WAIT), "the first wizard did not finish")
                worker_b = self.worker("B", process(wizards[1]))
                worker_b.outcome(WAIT)  # B does not wait for A's locks (NOWAIT)
            finally:
                release.set()
            worker_a.outcome(WAIT)
        self.assertEqual((worker_a.attempts, worker_b.attempts), (1, 1))

        with self.committed_env() as env:
            first, second = env["soon.delivery.process"].browse(wizards)
            self.assertEqual(first.line_ids.mapped("result"), ["done"], first.line_ids.reason)
            self.assertEqual(second.line_ids.mapped("result"), ["skipped"])
            self.assertIn("Being processed by someone else", second.line_ids.reason)
            self.assertFalse(second.shipped_picking_ids)
            order = env["sale.order"].browse(self.created["order"])
            self.assertEqual(order.picking_ids.ids, pickings_before, "no backorder, no second delivery")
            self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
            self.assertEqual(order.order_line.qty_delivered, 3.0, "shipped once")
            moves = order.picking_ids.mapped("move_lines")
            self.assertEqual(sum(moves.mapped("quantity_done")), 3.0 * len(order.picking_ids))
            delivery = order.picking_ids.filtered(lambda p: p._is_customer_delivery())
            self.assertEqual(len(delivery), 1)
            self.assertEqual(delivery.shipped_email_state, "to_send", "one email scheduled")
