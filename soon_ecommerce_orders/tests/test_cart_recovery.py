# -*- coding: utf-8 -*-
"""Automatic abandoned-cart reminders: every rule has a cart that must be
emailed and one that must not."""

from datetime import timedelta
from unittest.mock import patch

import psycopg2
from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from ..models.cart_recovery_job import CartRecoveryJob
from ..models.settings_keys import PARAM_ABANDONED_DELAY, PARAM_ACTIVATION, PARAM_AUTO, PARAM_MAX_AGE, PARAM_TEMPLATE
from .cart_recovery_common import CartRecoveryCase, ago


class TestCartRecoveryRules(CartRecoveryCase):
    # ------------------------------------------------------------- the email
    def test_eligible_cart_gets_one_queued_email(self):
        cart = self.make_cart(qty=3)
        stats = self.run_job()
        self.assertEqual(stats, {"sent": 1, "skipped": 0, "failed": 0})
        self.assertReminded(cart)
        mail = self.mails(cart)
        # queued, not sent inside the selecting transaction
        self.assertEqual(mail.state, "outgoing")
        # exactly one recipient: the customer, no explicit address on top
        self.assertEqual(mail.recipient_ids, cart.partner_id)
        self.assertFalse(mail.email_to)
        self.assertFalse(mail.email_cc)
        body = mail.body_html
        self.assertIn("SoOn Test Lamp", body)
        self.assertIn("3 Unit", body)
        self.assertIn("100.00", body, "unit price")
        self.assertIn("300.00", body, "line total")
        self.assertIn("/shop/cart/resume/%d/%s" % (cart.id, cart.access_token), body)
        self.assertIn(cart.partner_id._cart_recovery_unsubscribe_url(), body)
        self.assertIn("List-Unsubscribe", mail.headers)
        self.assertTrue(cart.cart_recovery_email_sent, "Odoo's own flag is kept in sync")
        log = cart.cart_recovery_reminder_ids
        self.assertEqual((log.step, log.manual, log.mail_id, log.email), (1, False, mail, cart.partner_id.email))

    def test_job_run_twice_sends_one_email_per_cart_and_step(self):
        carts = self.make_cart() | self.make_cart()
        self.run_job()
        self.run_job()
        for cart in carts:
            self.assertReminded(cart, 1)

    def test_feature_off_sends_nothing(self):
        cart = self.make_cart()
        self.params.set_param(PARAM_AUTO, False)
        self.assertEqual(self.run_job(), {"sent": 0, "skipped": 0, "failed": 0})
        self.assertNotReminded(cart)

    def test_customer_language(self):
        self.env.ref("base.lang_vi_VN").active = True
        self.product.with_context(lang="vi_VN").name = "Đèn thử nghiệm SoOn"
        self.product.invalidate_cache()
        customer = self.make_customer(lang="vi_VN")
        cart = self.make_cart(partner=customer)
        english = self.make_cart()
        self.run_job()
        self.assertIn("Đèn thử nghiệm SoOn", self.mails(cart).body_html)
        self.assertIn("SoOn Test Lamp", self.mails(english).body_html)

    def test_template_with_two_recipient_mechanisms_mails_once(self):
        """odoo/odoo#206158, #261038: partner_to plus an explicit email_to sent
        the email twice; the job keeps a single recipient, the customer."""
        template = self.template.copy({"email_to": "${object.partner_id.email}", "email_cc": "sales@example.com"})
        self.params.set_param(PARAM_TEMPLATE, str(template.id))
        cart = self.make_cart()
        self.run_job()
        mail = self.mails(cart)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, cart.partner_id)
        self.assertFalse(mail.email_to)
        self.assertFalse(mail.email_cc)

    # -------------------------------------------------------- cart rules
    def test_only_website_draft_carts(self):
        cart = self.make_cart()
        backend_quote = self.make_cart(website_order=False)
        sent = self.make_cart()
        sent.state = "sent"
        cancelled = self.make_cart()
        cancelled.action_cancel()
        self.run_job()
        self.assertReminded(cart)
        for order in (backend_quote, sent, cancelled):
            self.assertNotReminded(order)

    def test_empty_cart_is_not_reminded(self):
        cart = self.make_cart()
        empty = self.make_cart(order_line=[])
        self.run_job()
        self.assertReminded(cart)
        self.assertNotReminded(empty)

    def test_free_cart_is_not_reminded(self):
        free = self.make_cart(
            order_line=[(0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 0.0})]
        )
        mixed = self.make_cart(
            order_line=[
                (0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 0.0}),
                (0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 15.0}),
            ]
        )
        self.run_job()
        self.assertNotReminded(free)
        self.assertReminded(mixed)

    def test_idle_time_counts_from_the_last_change_not_the_creation(self):
        self.params.set_param(PARAM_ABANDONED_DELAY, "5.0")
        idle = self.make_cart(idle_hours=6, created_days=2)
        active = self.make_cart(idle_hours=4, created_days=2)  # old cart, changed 4 hours ago
        self.run_job()
        self.assertReminded(idle)
        self.assertNotReminded(active)

    def test_public_visitor_is_not_reminded(self):
        cart = self.make_cart()
        public = self.make_cart(partner=self.env.ref("base.public_partner"))
        self.run_job()
        self.assertReminded(cart)
        self.assertNotReminded(public)

    def test_no_email_yet_is_not_marked_and_checked_again(self):
        """Modern Odoo marks such carts as sent and never reconsiders them."""
        customer = self.make_customer(email=False)
        cart = self.make_cart(partner=customer)
        self.run_job()
        self.assertNotReminded(cart)
        customer.email = "late.email@example.com"
        self.run_job()
        self.assertReminded(cart)

    def test_invalid_email_address_skips_the_cart_not_the_batch(self):
        broken = self.make_cart(partner=self.make_customer(email="an@@example"))
        good = self.make_cart()
        stats = self.run_job()
        self.assertEqual(stats, {"sent": 1, "skipped": 1, "failed": 0})
        self.assertNotReminded(broken)
        self.assertReminded(good)
        broken.partner_id.email = "an@example.com"
        self.run_job()
        self.assertReminded(broken)

    def test_already_reminded_cart(self):
        cart = self.make_cart()
        reminded = self.make_cart()
        reminded.write(
            {"cart_recovery_step": 1, "cart_recovery_email_sent": True, "cart_recovery_last_date": ago(hours=1)}
        )
        self.run_job()
        self.assertReminded(cart)
        self.assertFalse(self.mails(reminded))
        self.assertEqual(reminded.cart_recovery_step, 1)

    def test_payment_transactions(self):
        blocked = {}
        for state in ("error", "pending", "authorized", "done"):
            cart = self.make_cart()
            tx = self.make_tx(cart)
            # raw state: Odoo refuses some transitions for a transfer acquirer
            self.env.cr.execute("UPDATE payment_transaction SET state = %s WHERE id = %s", (state, tx.id))
            blocked[state] = cart
        allowed = []
        for state in ("draft", "cancel"):
            cart = self.make_cart()
            self.make_tx(cart, state=state)
            allowed.append(cart)
        self.run_job()
        for cart in blocked.values():
            self.assertNotReminded(cart)
        for cart in allowed:
            self.assertReminded(cart)

    def test_customer_ordered_since_the_last_change(self):
        customer = self.make_customer()
        cart = self.make_cart(partner=customer, idle_hours=3)
        later_order = self.make_order(partner=customer)
        later_order.action_confirm()
        later_order.confirmation_date = ago(hours=1)  # after the cart's last change
        other = self.make_customer()
        cart2 = self.make_cart(partner=other, idle_hours=3)
        older_order = self.make_order(partner=other)
        older_order.action_confirm()
        older_order.confirmation_date = ago(hours=5)  # before the cart's last change
        customer3 = self.make_customer()
        cart3 = self.make_cart(partner=customer3, idle_hours=3)
        checkout = self.make_order(partner=customer3)  # cash on delivery, checkout done after
        self.make_tx(checkout, state="pending")
        checkout.force_quotation_send()
        self.run_job()
        self.assertNotReminded(cart)
        self.assertReminded(cart2)
        self.assertNotReminded(cart3)

    def test_maximum_age(self):
        young = self.make_cart(created_days=29)
        old = self.make_cart(created_days=31)
        self.run_job()
        self.assertReminded(young)
        self.assertNotReminded(old)
        self.params.set_param(PARAM_MAX_AGE, "40")
        self.run_job()
        self.assertReminded(old)

    def test_carts_abandoned_before_activation_are_not_emailed(self):
        """odoo/odoo#201179: switching the feature on emailed every old cart."""
        self.params.set_param(PARAM_ACTIVATION, ago(hours=5))
        before = self.make_cart(idle_hours=6)
        after = self.make_cart(idle_hours=4)
        self.run_job()
        self.assertNotReminded(before)
        self.assertReminded(after)

    def test_opted_out_customers(self):
        unsubscribed = self.make_cart(partner=self.make_customer(cart_recovery_opt_out=True))
        no_marketing = self.make_cart(partner=self.make_customer(opt_out=True))
        cart = self.make_cart()
        self.run_job()
        self.assertNotReminded(unsubscribed)
        self.assertNotReminded(no_marketing)
        self.assertReminded(cart)

    # ------------------------------------------------------------- stock
    def test_stock_availability(self):
        Product = self.env["product.product"]

        def product(availability, qty=0.0):
            prod = Product.create(
                {
                    "name": "Stock %s" % availability,
                    "type": "product",
                    "list_price": 10.0,
                    "inventory_availability": availability,
                    "website_published": True,
                }
            )
            if qty:
                self.env["stock.quant"]._update_available_quantity(prod, self.stock_location, qty)
            return prod

        def cart_of(prod, qty=1):
            return self.make_cart(
                order_line=[(0, 0, {"product_id": prod.id, "product_uom_qty": qty, "price_unit": 10.0})]
            )

        always_out = product("always")
        threshold_short = product("threshold", qty=1)
        carts_out = [cart_of(always_out), cart_of(threshold_short, qty=2)]
        carts_ok = [
            cart_of(product("always", qty=5), qty=2),
            cart_of(product("never")),
            cart_of(product("custom")),
            cart_of(threshold_short, qty=1),
        ]
        self.run_job()
        for cart in carts_out:
            self.assertNotReminded(cart)
        for cart in carts_ok:
            self.assertReminded(cart)
        # back in stock: the carts that were skipped are emailed at the next run
        self.env["stock.quant"]._update_available_quantity(always_out, self.stock_location, 3)
        self.env["stock.quant"]._update_available_quantity(threshold_short, self.stock_location, 3)
        self.run_job()
        for cart in carts_out:
            self.assertReminded(cart)

    # --------------------------------------------------------- failures
    def test_a_failing_cart_does_not_stop_the_batch(self):
        first, failing, last = self.make_cart(), self.make_cart(), self.make_cart()
        original = CartRecoveryJob._queue_mail

        def queue_mail(job, order, template):
            if order == failing:
                raise ValueError("SMTP address refused")
            return original(job, order, template)

        with (
            patch.object(CartRecoveryJob, "_queue_mail", queue_mail),
            mute_logger("odoo.addons.soon_ecommerce_orders.models.cart_recovery_job"),
        ):
            stats = self.run_job()
        self.assertEqual(stats, {"sent": 2, "skipped": 0, "failed": 1})
        self.assertReminded(first)
        self.assertReminded(last)
        # undone for that cart only: not marked, no log, tried again next time
        self.assertNotReminded(failing)
        self.run_job()
        self.assertReminded(failing)

    def test_serialization_failure_is_not_swallowed_per_cart(self):
        """A conflict with another transaction aborts the batch (retried with a
        fresh snapshot by the scheduled job), never a silent per-cart skip."""
        self.make_cart()

        def conflict(*args, **kwargs):
            raise psycopg2.extensions.TransactionRollbackError("could not serialize access")

        with patch.object(CartRecoveryJob, "_queue_mail", conflict):
            with self.assertRaises(psycopg2.extensions.TransactionRollbackError):
                self.Job._send_cart_reminders(commit=False)

    def test_one_reminder_per_cart_and_step_in_the_database(self):
        cart = self.make_cart()
        self.run_job()
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["sale.cart.recovery.reminder"].create({"order_id": cart.id, "step": 1})


class TestCartRecoverySequence(CartRecoveryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Step = cls.env["sale.cart.recovery.step"]
        cls.followup = cls.template.copy({"name": "Follow-up", "subject": "Still thinking about it?"})
        cls.step24 = Step.create({"delay_hours": 24, "template_id": cls.followup.id})
        cls.step72 = Step.create({"delay_hours": 72})

    def rewind(self, cart, hours):
        """Move the cart's clock ``hours`` back (as if time had passed)."""
        self.env.cr.execute(
            """
            UPDATE sale_order SET cart_last_activity = cart_last_activity - %s * interval '1 hour',
                                  cart_recovery_last_date = cart_recovery_last_date - %s * interval '1 hour'
             WHERE id = %s""",
            (hours, hours, cart.id),
        )
        self.env.cr.execute(
            "UPDATE sale_cart_recovery_reminder SET date = date - %s * interval '1 hour' WHERE order_id = %s",
            (hours, cart.id),
        )
        cart.invalidate_cache()

    def test_sequence_of_reminders(self):
        steps = self.env["sale.cart.recovery.step"]._reminder_sequence()
        self.assertEqual([(s.number, s.delay_hours) for s in steps], [(1, 1.0), (2, 24.0), (3, 72.0)])
        cart = self.make_cart(idle_hours=2)
        self.run_job()
        self.assertReminded(cart, 1)
        self.run_job()
        self.assertReminded(cart, 1)  # 2 hours idle: the 24-hour reminder is not due
        self.rewind(cart, 23)
        self.run_job()
        self.assertReminded(cart, 2)
        second = self.mails(cart).sorted("id")[-1]
        self.assertEqual(second.subject, "Still thinking about it?", "the step's own template")
        self.rewind(cart, 48)
        self.run_job()
        self.assertReminded(cart, 3)
        self.rewind(cart, 500)
        self.run_job()
        self.assertReminded(cart, 3)  # the sequence is over
        self.assertEqual(cart.cart_recovery_reminder_ids.mapped("step"), [3, 2, 1])

    def test_late_start_keeps_the_spacing(self):
        """A cart idle for 80 hours when first seen gets reminder 1 only; the
        next ones keep their spacing instead of arriving every 15 minutes."""
        cart = self.make_cart(idle_hours=80)
        self.run_job()
        self.run_job()
        self.assertReminded(cart, 1)
        self.rewind(cart, 23)  # 23 h after reminder 1: the 24 h reminder is due 23 h after it
        self.run_job()
        self.assertReminded(cart, 2)

    def test_sequence_stops_when_the_customer_comes_back(self):
        cart = self.make_cart(idle_hours=2)
        self.run_job()
        self.rewind(cart, 30)
        cart._touch_cart()  # the customer changed the cart after the reminder
        cart.cart_last_activity = ago(hours=30)  # ...and left again long ago
        cart.cart_recovery_last_date = ago(hours=31)
        self.run_job()
        self.assertReminded(cart, 1)

    def test_sequence_stops_when_the_customer_orders_or_empties_the_cart(self):
        ordered, emptied = self.make_cart(idle_hours=2), self.make_cart(idle_hours=2)
        self.run_job()
        self.rewind(ordered, 30)
        self.rewind(emptied, 30)
        ordered.action_confirm()
        emptied.order_line.unlink()
        self.run_job()
        self.assertReminded(ordered, 1)
        self.assertReminded(emptied, 1)

    def test_step_validation(self):
        Step = self.env["sale.cart.recovery.step"]
        with self.assertRaises(ValidationError):
            Step.create({"delay_hours": 0.5})  # before the first reminder (1 hour)
        with self.assertRaises(ValidationError):
            Step.create({"delay_hours": 24})  # already there
        with self.assertRaises(ValidationError):
            Step.create({"delay_hours": 31 * 24})  # carts are too old by then (30 days)


class TestCartRecoverySettings(CartRecoveryCase):
    def settings(self, **values):
        vals = {"cart_abandoned_delay": 1.0, "cart_recovery_mail_template": self.template.id}
        vals.update(values)
        return self.env["res.config.settings"].create(vals)

    def test_the_scheduled_action_runs_the_job(self):
        """The cron (its XML id kept) calls the job model, committing per batch."""
        cron = self.env.ref("soon_ecommerce_orders.ir_cron_cart_recovery")
        self.assertEqual(cron.model_id.model, "sale.cart.recovery.job")
        calls = []

        def send(job, commit=False, batch_size=None):
            calls.append((job._name, commit))
            return {"sent": 0, "skipped": 0, "failed": 0}

        with patch.object(CartRecoveryJob, "_send_cart_reminders", send):
            cron.method_direct_trigger()
        self.assertEqual(calls, [("sale.cart.recovery.job", True)])

    def test_switching_on_records_the_activation_time_and_starts_the_job(self):
        cron = self.env.ref("soon_ecommerce_orders.ir_cron_cart_recovery")
        self.params.set_param(PARAM_AUTO, False)
        self.params.set_param(PARAM_ACTIVATION, False)
        self.settings(cart_recovery_auto=False).execute()
        cron.invalidate_cache()
        self.assertFalse(cron.active)
        self.assertFalse(self.params.get_param(PARAM_ACTIVATION))
        self.assertEqual(self.env["res.config.settings"].create({}).cart_recovery_max_age_days, 30)
        self.settings(cart_recovery_auto=True).execute()
        cron.invalidate_cache()
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))
        activation = self.params.get_param(PARAM_ACTIVATION)
        self.assertTrue(activation)
        self.assertGreaterEqual(activation, ago(minutes=1))
        # saving again while on keeps the activation time
        two_days_ago = ago(days=2)
        self.params.set_param(PARAM_ACTIVATION, two_days_ago)
        self.settings(cart_recovery_auto=True, cart_recovery_max_age_days=10).execute()
        self.assertEqual(self.params.get_param(PARAM_ACTIVATION), two_days_ago)
        self.assertEqual(self.params.get_param(PARAM_MAX_AGE), "10")
        self.settings(cart_recovery_auto=False).execute()
        cron.invalidate_cache()
        self.assertFalse(cron.active)
        self.assertFalse(self.params.get_param(PARAM_AUTO))

    def test_off_then_on_starts_from_the_new_moment(self):
        """Switching the reminders off keeps the activation time; switching them
        on again moves it to now: a cart left while they were off (after the old
        activation time) is never reminded, a cart changed after the new moment is."""
        old_activation = ago(days=2)
        self.params.set_param(PARAM_AUTO, "1")
        self.params.set_param(PARAM_ACTIVATION, old_activation)
        self.settings(cart_recovery_auto=False).execute()
        self.assertFalse(self.params.get_param(PARAM_AUTO))
        self.assertEqual(self.params.get_param(PARAM_ACTIVATION), old_activation, "off keeps the activation time")
        self.settings(cart_recovery_auto=True).execute()
        activation = self.params.get_param(PARAM_ACTIVATION)
        self.assertGreater(activation, old_activation)
        self.assertGreaterEqual(activation, ago(minutes=1), "on again: from now on")
        moment = fields.Datetime.from_string(activation)
        # left while the reminders were off: changed after the old activation, before the new one
        before = self.make_cart(idle_hours=1)
        before.write({"cart_last_activity": fields.Datetime.to_string(moment - timedelta(hours=1))})
        self.assertGreater(before.cart_last_activity, old_activation)
        after = self.make_cart(idle_hours=0)
        after.write({"cart_last_activity": fields.Datetime.to_string(moment + timedelta(minutes=1))})
        # two hours later both carts are idle for longer than the 1 hour delay
        later = fields.Datetime.to_string(moment + timedelta(hours=2))
        with patch.object(fields.Datetime, "now", lambda *args: later):
            self.run_job()
        self.assertNotReminded(before)
        self.assertReminded(after)

    def test_settings_show_the_existing_odoo_settings(self):
        self.params.set_param(PARAM_ABANDONED_DELAY, "4.0")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.cart_abandoned_delay, 4.0)
        self.assertEqual(settings.cart_recovery_mail_template, self.template)
        self.params.set_param(PARAM_TEMPLATE, False)
        self.assertEqual(
            self.env["res.config.settings"].create({}).cart_recovery_mail_template,
            self.template,
            "unset: the template the emails use",
        )
        arch = self.env["res.config.settings"].fields_view_get(view_type="form")["arch"]
        self.assertIn("Email &amp; Marketing", arch)
        self.assertIn('name="cart_recovery_auto"', arch)
        self.assertIn('name="action_open_cart_recovery_template"', arch)
        self.assertEqual(arch.count('name="cart_abandoned_delay"'), 1, "moved, not duplicated")

    def test_bad_settings_are_refused(self):
        with self.assertRaises(ValidationError):
            self.settings(cart_abandoned_delay=0)
        with self.assertRaises(ValidationError):
            self.settings(cart_recovery_max_age_days=0)
        with self.assertRaises(ValidationError):
            self.settings(cart_abandoned_delay=48, cart_recovery_max_age_days=1)
        with self.assertRaises(ValidationError):
            self.settings(cart_recovery_auto=True, cart_recovery_mail_template=False)
        self.env["sale.cart.recovery.step"].create({"delay_hours": 24})
        with self.assertRaises(ValidationError):
            self.settings(cart_abandoned_delay=30)  # the 24-hour follow-up would come first

    def test_edit_template_button(self):
        action = self.settings().action_open_cart_recovery_template()
        self.assertEqual((action["res_model"], action["res_id"]), ("mail.template", self.template.id))
        settings = self.settings(cart_recovery_auto=False)
        settings.cart_recovery_mail_template = False
        with self.assertRaises(UserError):
            settings.action_open_cart_recovery_template()
        steps = self.settings().action_open_cart_recovery_steps()
        self.assertEqual(steps["res_model"], "sale.cart.recovery.step")

    def test_install_points_the_setting_to_the_complete_template(self):
        odoo_template = self.env.ref("website_sale.mail_template_sale_cart_recovery")
        for before in (False, str(odoo_template.id)):
            self.params.set_param(PARAM_TEMPLATE, before)
            self.env["sale.cart.recovery.step"]._install_default_template()
            self.assertEqual(self.params.get_param(PARAM_TEMPLATE), str(self.template.id))
        custom = odoo_template.copy({"name": "Our own"})
        self.params.set_param(PARAM_TEMPLATE, str(custom.id))
        self.env["sale.cart.recovery.step"]._install_default_template()
        self.assertEqual(self.params.get_param(PARAM_TEMPLATE), str(custom.id), "a template chosen by the shop is kept")


class TestCartRecoveryManual(CartRecoveryCase):
    def compose(self, orders):
        action = orders.action_recovery_email_send()
        composer = self.env["mail.compose.message"].with_context(**action["context"]).create({})
        composer.onchange_template_id_wrapper()
        return composer

    def test_manual_email_counts_as_a_reminder(self):
        cart = self.make_cart()
        self.compose(cart).send_mail()
        self.assertTrue(cart.cart_recovery_email_sent)
        self.assertEqual(cart.cart_recovery_step, 1)
        log = cart.cart_recovery_reminder_ids
        self.assertEqual((len(log), log.step, log.manual), (1, 1, True))
        self.assertTrue(log.mail_message_id)
        mails_before = self.mails(cart)
        self.run_job()
        self.assertEqual(self.mails(cart), mails_before, "the automatic job does not send reminder 1 again")
        self.assertEqual(cart.cart_recovery_step, 1)

    def test_manual_mass_sending(self):
        carts = self.make_cart() | self.make_cart()
        not_a_cart = self.make_cart(website_order=False)
        self.compose(carts | not_a_cart).send_mail()
        for cart in carts:
            self.assertEqual(cart.cart_recovery_reminder_ids.mapped("manual"), [True])
        self.assertFalse(not_a_cart.cart_recovery_reminder_ids)
        self.run_job()
        for cart in carts:
            self.assertEqual(len(cart.cart_recovery_reminder_ids), 1)
