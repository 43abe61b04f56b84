# -*- coding: utf-8 -*-
"""One email per cart and step with several workers, and after a crash.

These tests need real concurrency: two database connections running the job
at the same time (``soon_testing.common.ConcurrencyCase``).  A test's own
transaction cannot see what another connection has not committed (and is
rolled back at the end), so the carts are created and COMMITTED through
separate cursors (``committed_env()``), the job runs in threads on their own
cursors exactly as the scheduler runs it (``commit=True``), and everything the
test created is deleted, and committed, in a cleanup (orders, their lines,
emails, messages, reminder log, customers, product) -- also when the test
fails.  The configuration is injected by patching
``_recovery_config`` (nothing is written to ``ir.config_parameter``), and the
other carts of the database (demo data) are kept out of reach by a third
connection holding their row locks: the job skips locked carts, which is the
behaviour under test anyway.
"""

import threading
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tools import mute_logger

from soon_testing.common import ConcurrencyCase

from ..models import cart_recovery_step as step_module
from ..models.cart_recovery_job import CartRecoveryJob

TAG = "SoOn concurrency test"


class Crash(BaseException):
    """A worker killed in the middle of a batch (not an ordinary per-cart error)."""


def _config(step_model):
    env = step_model.env
    template = env.ref("soon_ecommerce_orders.mail_template_cart_recovery")
    activation = fields.Datetime.to_string(datetime.utcnow() - timedelta(days=2))
    return step_module.RecoveryConfig(True, activation, 30, [step_module.Step(1, 1.0, 0.0, template)])


class TestCartRecoveryConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        self.order_ids, self.partner_ids, self.product_id = [], [], None
        self.addCleanup(self.cleanup)
        patcher = patch.object(step_module.CartRecoveryStep, "_recovery_config", _config)
        patcher.start()
        self.addCleanup(patcher.stop)

    # ------------------------------------------------------------ data
    def make_carts(self, count):
        with self.committed_env() as env:
            product = env["product.product"].create({"name": TAG, "type": "consu", "list_price": 10.0})
            self.product_id = product.id
            team = env.ref("sales_team.salesteam_website_sales")
            activity = fields.Datetime.to_string(datetime.utcnow() - timedelta(hours=3))
            for index in range(count):
                partner = env["res.partner"].create(
                    {"name": "%s %d" % (TAG, index), "email": "concurrency%d@example.com" % index}
                )
                self.partner_ids.append(partner.id)
                order = env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "team_id": team.id,
                        "website_order": True,
                        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1, "price_unit": 10.0})],
                    }
                )
                order.cart_last_activity = activity
                self.order_ids.append(order.id)
        return self.order_ids

    def cleanup(self):
        if not self.order_ids and not self.product_id:
            return
        with self.committed_env() as env:
            cr = env.cr
            ids = tuple(self.order_ids) or (0,)
            cr.execute(
                "DELETE FROM mail_mail WHERE mail_message_id IN "
                "(SELECT id FROM mail_message WHERE model = 'sale.order' AND res_id IN %s)",
                (ids,),
            )
            cr.execute("DELETE FROM mail_message WHERE model = 'sale.order' AND res_id IN %s", (ids,))
            env["sale.order"].browse(self.order_ids).exists().unlink()  # lines and reminder log cascade
            env["res.partner"].browse(self.partner_ids).exists().unlink()
            if self.product_id:
                env["product.product"].browse(self.product_id).exists().product_tmpl_id.unlink()

    def fence_other_carts(self):
        """A connection holding the row locks of every other cart (demo data)."""
        with self.committed_env() as env:
            others = env["sale.order"].search(
                [("website_order", "=", True), ("state", "=", "draft"), ("id", "not in", self.order_ids)]
            )
        return self.hold_row_locks("sale_order", others.ids)

    # ---------------------------------------------------------- running
    def run_job(self, batch_size=3, results=None, name=None):
        try:
            with self.committed_env() as env:
                stats = env["sale.cart.recovery.job"]._send_cart_reminders(commit=True, batch_size=batch_size)
            if results is not None:
                results[name] = stats
            return stats
        except BaseException as exc:  # reported by the test, not lost in a thread
            if results is None:
                raise
            results[name] = exc
            return None

    def thread(self, name, results, **kwargs):
        return threading.Thread(target=self.run_job, name=name, kwargs=dict(results=results, name=name, **kwargs))

    def state(self):
        """{order id: (reminders sent, emails, log rows)} as committed."""
        with self.committed_env() as env:
            cr = env.cr
            ids = tuple(self.order_ids)
            cr.execute(
                """
                SELECT so.id, so.cart_recovery_step,
                       (SELECT count(*) FROM mail_mail mm JOIN mail_message msg ON msg.id = mm.mail_message_id
                         WHERE msg.model = 'sale.order' AND msg.res_id = so.id),
                       (SELECT count(*) FROM sale_cart_recovery_reminder r WHERE r.order_id = so.id)
                  FROM sale_order so WHERE so.id IN %s""",
                (ids,),
            )
            return {row[0]: row[1:] for row in cr.fetchall()}

    def assertOneEmailEach(self):
        state = self.state()
        self.assertEqual(len(state), len(self.order_ids))
        for order_id, (step, emails, logs) in state.items():
            self.assertEqual((step, emails, logs), (1, 1, 1), "cart %d" % order_id)

    # ------------------------------------------------------------ tests
    def test_second_worker_skips_the_carts_the_first_one_holds(self):
        """Worker A has locked its first batch and is rendering the emails when
        worker B runs the whole job: B skips A's carts (SKIP LOCKED), sends the
        others; A finishes its batch and finds nothing left."""
        self.make_carts(8)
        self.fence_other_carts()
        a_holds_batch, b_done, results = threading.Event(), threading.Event(), {}
        original = CartRecoveryJob._ready

        def ready(job, orders):
            result = original(job, orders)
            if threading.current_thread().name == "A" and not a_holds_batch.is_set():
                a_holds_batch.set()
                b_done.wait(120)
            return result

        with patch.object(CartRecoveryJob, "_ready", ready):
            worker_a = self.thread("A", results)
            worker_a.start()
            self.assertTrue(a_holds_batch.wait(120))
            worker_b = self.thread("B", results)
            worker_b.start()
            worker_b.join(120)
            b_done.set()
            worker_a.join(120)
        self.assertEqual(results["A"], {"sent": 3, "skipped": 0, "failed": 0})
        self.assertEqual(results["B"], {"sent": 5, "skipped": 0, "failed": 0})
        self.assertOneEmailEach()
        # and the job run again (twice) finds nothing to send
        self.assertEqual(self.run_job()["sent"], 0)
        self.assertEqual(self.run_job()["sent"], 0)
        self.assertOneEmailEach()

    def test_two_workers_at_the_same_time(self):
        self.make_carts(12)
        self.fence_other_carts()
        start, results = threading.Barrier(2), {}
        original = CartRecoveryJob._candidates

        def candidates(*args, **kwargs):
            if not getattr(threading.current_thread(), "started", False):
                threading.current_thread().started = True
                start.wait(60)  # both workers select their first batch together
            return original(*args, **kwargs)

        # a worker may lock a cart the other one has just changed: the job selects that batch
        # again (tested below), after Odoo's cursor logged the refused lock as a "bad query"
        with patch.object(CartRecoveryJob, "_candidates", candidates), mute_logger("odoo.sql_db"):
            workers = [self.thread(name, results, batch_size=2) for name in ("A", "B")]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(180)
        for name in ("A", "B"):
            self.assertIsInstance(results[name], dict, results[name])
        self.assertEqual(results["A"]["sent"] + results["B"]["sent"], 12)
        self.assertOneEmailEach()

    def test_conflict_is_retried_with_a_fresh_snapshot(self):
        """Worker B's transaction starts, then worker A sends every reminder and
        commits: B's snapshot still shows the carts as due, but locking them
        fails (PostgreSQL refuses, in Odoo's REPEATABLE READ transactions, to
        lock a row changed since the snapshot); B rolls the batch back and
        selects again with a fresh snapshot, where nothing is due."""
        self.make_carts(4)
        self.fence_other_carts()
        b_has_snapshot, a_done, results, calls = threading.Event(), threading.Event(), {}, []
        original = CartRecoveryJob._candidates

        def candidates(job, *args, **kwargs):
            if threading.current_thread().name == "B":
                calls.append(args)
                if len(calls) == 1:
                    job.env.cr.execute("SELECT 1")  # the transaction's snapshot is taken here
                    b_has_snapshot.set()
                    a_done.wait(120)
            return original(job, *args, **kwargs)

        # B's refused lock is the scenario: Odoo's cursor logs it as a "bad query"
        with patch.object(CartRecoveryJob, "_candidates", candidates), mute_logger("odoo.sql_db"):
            worker_b = self.thread("B", results)
            worker_b.start()
            self.assertTrue(b_has_snapshot.wait(120))
            self.assertEqual(self.run_job()["sent"], 4)
            a_done.set()
            worker_b.join(120)
        self.assertEqual(results["B"], {"sent": 0, "skipped": 0, "failed": 0})
        self.assertEqual(len(calls), 2, "the batch was selected again after the conflict")
        self.assertOneEmailEach()

    def test_crash_in_the_middle_neither_loses_nor_repeats(self):
        """Batches are committed one by one with their emails: a worker killed
        in its second batch keeps the first batch (emails queued, carts
        marked) and leaves nothing of the second; the next run sends the rest,
        once."""
        self.make_carts(7)
        self.fence_other_carts()
        original = CartRecoveryJob._queue_mail
        calls = []

        def queue_mail(job, order, template):
            calls.append(order.id)
            mail = original(job, order, template)
            if len(calls) == 5:  # second batch, after its second email was queued
                raise Crash()
            return mail

        with patch.object(CartRecoveryJob, "_queue_mail", queue_mail):
            try:
                self.run_job(batch_size=3)
            except Crash:  # pylint: disable=except-pass
                pass  # the crash is the scenario: what the job committed before it is checked below
            else:
                self.fail("the worker was not killed")
        state = self.state()
        done = [oid for oid, values in state.items() if values == (1, 1, 1)]
        untouched = [oid for oid, values in state.items() if values == (0, 0, 0)]
        self.assertEqual(len(done), 3, "the first batch is committed")
        self.assertEqual(len(untouched), 4, "nothing of the crashed batch is kept")
        self.assertEqual(self.run_job()["sent"], 4)
        self.assertOneEmailEach()
