"""Two submissions for the same lines at the same moment (double click, two
tabs, two workers) never return more than was delivered.

These tests need real concurrent transactions: each submission runs in its own
thread on its own database cursor, like two HTTP workers, and retries on
serialisation failures like Odoo's request dispatcher does.  Their data is
therefore committed (on a test database that is dropped after the run).
"""

import threading
import uuid

import odoo
from odoo import SUPERUSER_ID, api
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tests import common
from psycopg2 import OperationalError

from soon_testing.common import wait_for_lock_waiter

from ..models.return_request import ReturnRequestError

WAIT = 30  # seconds: upper bound only, the tests wait on events, not on time


@common.at_install(False)
@common.post_install(True)
class TestConcurrentSubmissions(common.BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(common.get_db_name())

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": "Concurrency lamp %s" % tag, "type": "product", "return_policy": "returnable"}
            )
            partner = env["res.partner"].create(
                {"name": "Concurrency customer %s" % tag, "email": "c-%s@example.com" % tag}
            )
            order = env["sale.order"].create(
                {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})]}
            )
            order.action_confirm()
            for move in order.picking_ids.move_lines:
                move.quantity_done = move.product_uom_qty
            order.picking_ids.action_done()
            self.order_id, self.line_id = order.id, order.order_line.id
            self.reason_id = env.ref("soon_returns.return_reason_changed_mind").id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            requests = env["return.request"].search([("order_id", "=", self.order_id)])
            for request in requests.filtered(lambda r: r.state == "submitted"):
                request._cancel()
            requests.unlink()

    def _form(self, qty):
        return {"method": "dropoff", "qty-%d" % self.line_id: str(qty), "reason-%d" % self.line_id: str(self.reason_id)}

    def _submit(self, qty, outcome, before_commit=None):
        """One customer's submission, retried like an HTTP request on conflicts."""
        with api.Environment.manage():
            cr = self.registry.cursor()
            try:
                for attempt in range(1, 6):
                    outcome["attempts"] = attempt
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    try:
                        request = env["return.request"]._portal_submit(
                            env["sale.order"].browse(self.order_id), self._form(qty)
                        )
                        if before_commit:
                            before_commit()
                        cr.commit()  # pylint: disable=invalid-commit
                        outcome["created"] = request.id
                        return
                    except ReturnRequestError as refusal:
                        cr.rollback()
                        outcome["refused"] = refusal.errors
                        return
                    except OperationalError as error:
                        cr.rollback()
                        env.clear()
                        if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                            raise
                        outcome.setdefault("conflicts", []).append(error.pgcode)
            except Exception as error:  # noqa: BLE001 - reported to the main thread
                outcome["error"] = repr(error)
            finally:
                cr.close()

    def _open_quantities(self):
        with self.registry.cursor() as cr:
            cr.execute(
                """
                SELECT COALESCE(SUM(l.quantity), 0), sol.qty_delivered, sol.qty_return_reserved
                  FROM sale_order_line sol
                  LEFT JOIN return_request_line l ON l.sale_line_id = sol.id
                       AND l.state IN ('submitted', 'approved')
                 WHERE sol.id = %s GROUP BY sol.id""",
                (self.line_id,),
            )
            return cr.fetchone()

    def test_second_submission_waits_for_the_lock_then_is_refused(self):
        first, second = {}, {}
        first_created, release = threading.Event(), threading.Event()

        def hold_before_commit():
            first_created.set()
            release.wait(WAIT)

        thread_a = threading.Thread(target=self._submit, args=(2, first, hold_before_commit))
        thread_a.start()
        self.assertTrue(first_created.wait(WAIT), first)
        # the first request exists but is not committed; the second one starts now
        thread_b = threading.Thread(target=self._submit, args=(2, second))
        thread_b.start()
        blocked = wait_for_lock_waiter(self.registry, WAIT)
        release.set()
        thread_a.join(WAIT)
        thread_b.join(WAIT)
        self.assertTrue(blocked, "the second submission did not wait for the order lines' lock")
        self.assertNotIn("error", first)
        self.assertNotIn("error", second)
        self.assertTrue(first.get("created"))
        self.assertNotIn("created", second)
        # it read the lines before the first one committed: its lock attempt
        # failed to serialise, and the retry saw the first request
        self.assertEqual(second.get("conflicts"), ["40001"])
        self.assertIn("qty-%d" % self.line_id, second["refused"])
        self.assertIn("already returned or in a return request", second["refused"]["qty-%d" % self.line_id])
        requested, delivered, reserved = self._open_quantities()
        self.assertEqual((requested, delivered, reserved), (2.0, 2.0, 2.0))

    def test_simultaneous_submissions_never_exceed_delivered(self):
        outcomes = [{} for _i in range(4)]
        barrier = threading.Barrier(len(outcomes))

        def run(outcome):
            barrier.wait(WAIT)
            self._submit(1, outcome)

        threads = [threading.Thread(target=run, args=(outcome,)) for outcome in outcomes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT * 2)
        self.assertFalse([o["error"] for o in outcomes if "error" in o])
        created = [o for o in outcomes if o.get("created")]
        refused = [o for o in outcomes if o.get("refused")]
        self.assertEqual(len(created), 2, outcomes)
        self.assertEqual(len(refused), 2, outcomes)
        requested, delivered, reserved = self._open_quantities()
        self.assertLessEqual(requested, delivered)
        self.assertEqual((requested, reserved), (2.0, 2.0))
