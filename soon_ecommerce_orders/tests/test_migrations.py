"""The 11.0.1.1.0 migration scripts, run on the records as a database
installed with 11.0.1.0.0 holds them (the cron on sale.order, the acquirers
with Odoo's default pending message), as Odoo runs them on ``-u``: after the
update, with the previous version."""

import importlib.util
import os

from odoo.modules.module import get_module_path, load_information_from_description_file
from odoo.tests import common

MIGRATION = "11.0.1.1.0"
#: the pending message Odoo 11 gives every acquirer (payment.acquirer's default)
ODOO_PENDING_MSG = (
    "<i>Pending,</i> Your online payment has been successfully processed. But your order is not validated yet."
)


def _load_script(name):
    path = os.path.join(get_module_path("soon_ecommerce_orders"), "migrations", MIGRATION, name)
    spec = importlib.util.spec_from_file_location("soon_migration_" + name.replace("-", "_")[:-3], path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


@common.at_install(False)
@common.post_install(True)
class TestMigration11010(common.SavepointCase):
    def test_odoo_runs_the_scripts_on_update(self):
        """Odoo runs migrations/<version>/post-*.py when the installed version is
        older than the folder's: the folder is the manifest's version or older."""
        version = load_information_from_description_file("soon_ecommerce_orders")["version"]
        self.assertGreaterEqual(tuple(map(int, version.split("."))), tuple(map(int, MIGRATION.split("."))))
        folder = os.path.join(get_module_path("soon_ecommerce_orders"), "migrations", MIGRATION)
        scripts = sorted(name for name in os.listdir(folder) if name.endswith(".py"))
        self.assertEqual(scripts, ["post-cart-recovery-job.py", "post-pending-messages.py"])

    def test_the_cart_reminder_cron_moves_to_the_job_model(self):
        cron = self.env.ref("soon_ecommerce_orders.ir_cron_cart_recovery")
        next_call = "2026-01-02 03:04:05"
        # as 11.0.1.0.0 installed it (noupdate: an update does not rewrite it); the shop switched it on
        cron.write(
            {
                "model_id": self.env.ref("sale.model_sale_order").id,
                "active": True,
                "interval_number": 30,
                "nextcall": next_call,
            }
        )
        self.assertEqual(cron.model_id.model, "sale.order")

        _load_script("post-cart-recovery-job.py").migrate(self.env.cr, "11.0.1.0.0")

        cron.invalidate_cache()
        self.assertEqual(cron.model_id.model, "sale.cart.recovery.job")
        self.assertEqual(cron.code, "model._cron_send_cart_reminders()")
        # the shop's choices stay
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_number, 30)
        self.assertEqual(cron.nextcall, next_call)
        # and the job it calls exists on that model
        self.assertTrue(hasattr(self.env[cron.model_id.model], "_cron_send_cart_reminders"))

    def test_the_migration_leaves_a_cron_changed_by_the_shop(self):
        """A cron the shop pointed elsewhere (other code) is not touched; nor on a new install."""
        cron = self.env.ref("soon_ecommerce_orders.ir_cron_cart_recovery")
        cron.write({"model_id": self.env.ref("sale.model_sale_order").id, "code": "model.browse()"})
        script = _load_script("post-cart-recovery-job.py")
        script.migrate(self.env.cr, "11.0.1.0.0")
        self.assertEqual(cron.model_id.model, "sale.order")
        cron.write({"code": "model._cron_send_cart_reminders()"})
        script.migrate(self.env.cr, None)  # a new install: nothing to migrate
        self.assertEqual(cron.model_id.model, "sale.order")

    def test_cod_and_pay_in_store_get_their_pending_messages(self):
        cod = self.env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        store = self.env.ref("soon_ecommerce_orders.payment_acquirer_pay_in_store")
        expected = {cod: cod.pending_msg, store: store.pending_msg}
        self.assertIn("courier", cod.pending_msg)
        own = "<p>Pay at our Hanoi counter.</p>"
        # as 11.0.1.0.0 left them: Odoo's default message on COD, the shop's own on Pay in Store
        cod.write({"pending_msg": ODOO_PENDING_MSG})
        store.write({"pending_msg": own})

        _load_script("post-pending-messages.py").migrate(self.env.cr, "11.0.1.0.0")

        self.assertEqual(cod.pending_msg, expected[cod])
        self.assertNotIn("successfully processed", cod.pending_msg)
        self.assertEqual(store.pending_msg, own)
        # an empty message gets the add-on's too
        store.write({"pending_msg": False})
        _load_script("post-pending-messages.py").migrate(self.env.cr, "11.0.1.0.0")
        self.assertEqual(store.pending_msg, expected[store])
