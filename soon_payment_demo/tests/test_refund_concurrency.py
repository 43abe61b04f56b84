"""Two refunds of one payment at the same moment (double click, two users,
two workers) never refund more than was captured.

Each refund runs in its own thread on its own database cursor, like two HTTP
workers, and is retried on serialisation failures like Odoo's request
dispatcher does, so the data is committed; the tests undo it afterwards
(cancelled accounting, cancelled order)."""

import threading
import uuid

import odoo
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tests import common
from psycopg2 import OperationalError

from soon_testing.common import wait_for_lock_waiter

WAIT = 30  # seconds: upper bound only, the tests wait on events, not on time


@common.at_install(False)
@common.post_install(True)
class TestConcurrentRefunds(common.BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(common.get_db_name())

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            journal = env["account.journal"].search([("type", "=", "bank")], limit=1)
            acquirer = env["payment.acquirer"].create(
                {"name": "Demo %s" % tag, "provider": "soon_demo", "journal_id": journal.id}
            )
            product = env["product.product"].create(
                {"name": "Concurrency teapot %s" % tag, "type": "consu", "taxes_id": [(6, 0, [])]}
            )
            partner = env["res.partner"].create({"name": "Refund customer %s" % tag, "email": "r-%s@example.com" % tag})
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1, "price_unit": 100.0})],
                }
            )
            tx = env["payment.transaction"]._check_or_create_sale_tx(order, acquirer)
            tx.write({"state": "done"})
            order.action_confirm()
            self.ids = {"acquirer": acquirer.id, "order": order.id, "payment": tx.id, "journal": journal.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        """Undo the committed accounting, payment and order."""
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            payment = env["payment.transaction"].browse(self.ids["payment"])
            refunds = payment.refund_transaction_ids
            journals = refunds.mapped("refund_payment_id.journal_id") | refunds.mapped("refund_invoice_id.journal_id")
            allowed = {journal: journal.update_posted for journal in journals}
            journals.write({"update_posted": True})
            refunds.mapped("refund_payment_id").filtered(lambda p: p.state != "draft").cancel()
            refunds.mapped("refund_invoice_id").action_invoice_cancel()
            for journal, value in allowed.items():
                journal.update_posted = value
            refunds.write({"state": "cancel"})
            payment.state = "cancel"
            order = env["sale.order"].browse(self.ids["order"])
            order.action_cancel()
            env["payment.acquirer"].browse(self.ids["acquirer"]).website_published = False

    def _refund(self, amount, outcome, before_commit=None):
        """One user's refund, retried like an HTTP request on conflicts."""
        with api.Environment.manage():
            cr = self.registry.cursor()
            try:
                for attempt in range(1, 6):
                    outcome["attempts"] = attempt
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    try:
                        refund = env["payment.transaction"].browse(self.ids["payment"])._refund(amount=amount)
                        if before_commit:
                            before_commit()
                        cr.commit()  # pylint: disable=invalid-commit
                        outcome["refund"] = (refund.id, refund.state)
                        return
                    except UserError as refusal:
                        cr.rollback()
                        outcome["refused"] = refusal.name
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

    def _refunded(self):
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT COALESCE(SUM(-amount), 0), COUNT(*) FROM payment_transaction
                    WHERE source_transaction_id = %s AND state = 'refunded'""",
                (self.ids["payment"],),
            )
            refunded, count = cr.fetchone()
            cr.execute(
                """SELECT COUNT(*) FROM account_invoice inv JOIN payment_transaction tx ON tx.refund_invoice_id = inv.id
                    WHERE tx.source_transaction_id = %s""",
                (self.ids["payment"],),
            )
            return refunded, count, cr.fetchone()[0]

    def test_second_full_refund_waits_then_is_refused(self):
        first, second = {}, {}
        first_done, release = threading.Event(), threading.Event()

        def hold_before_commit():
            first_done.set()
            release.wait(WAIT)

        thread_a = threading.Thread(target=self._refund, args=(100.0, first, hold_before_commit))
        thread_a.start()
        self.assertTrue(first_done.wait(WAIT), first)
        # the first refund is made but not committed; the second click comes now
        thread_b = threading.Thread(target=self._refund, args=(100.0, second))
        thread_b.start()
        blocked = wait_for_lock_waiter(self.registry, WAIT)
        release.set()
        thread_a.join(WAIT)
        thread_b.join(WAIT)
        self.assertTrue(blocked, "the second refund did not wait for the payment's lock")
        self.assertNotIn("error", first)
        self.assertNotIn("error", second)
        self.assertEqual(first["refund"][1], "refunded")
        self.assertNotIn("refund", second)
        # it waited on the lock, could not serialise, and the retry saw the first refund
        self.assertEqual(second.get("conflicts"), ["40001"])
        self.assertIn("at most", second["refused"])
        self.assertEqual(self._refunded(), (100.0, 1, 1))

    def test_simultaneous_partial_refunds_never_exceed_the_payment(self):
        outcomes = [{} for _i in range(4)]
        barrier = threading.Barrier(len(outcomes))

        def run(outcome):
            barrier.wait(WAIT)
            self._refund(40.0, outcome)

        threads = [threading.Thread(target=run, args=(outcome,)) for outcome in outcomes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT * 2)
        self.assertFalse([o["error"] for o in outcomes if "error" in o])
        refunded = [o for o in outcomes if o.get("refund")]
        refused = [o for o in outcomes if o.get("refused")]
        self.assertEqual((len(refunded), len(refused)), (2, 2), outcomes)
        self.assertEqual(self._refunded(), (80.0, 2, 2))
