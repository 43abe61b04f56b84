# -*- coding: utf-8 -*-
"""Base class of the abandoned-cart reminder tests."""

from datetime import datetime, timedelta

from odoo import fields

from ..models.settings_keys import PARAM_ABANDONED_DELAY, PARAM_ACTIVATION, PARAM_AUTO, PARAM_MAX_AGE, PARAM_TEMPLATE
from .common import EcommerceOrdersCase


def ago(**delta):
    """A UTC datetime string ``delta`` before now (days=, hours=, minutes=)."""
    return fields.Datetime.to_string(datetime.utcnow() - timedelta(**delta))


class CartRecoveryCase(EcommerceOrdersCase):
    """The automatic reminders switched on 10 days ago, first reminder after
    1 hour, no follow-up (tests add theirs), carts of fresh customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param(PARAM_AUTO, "1")
        cls.params.set_param(PARAM_ACTIVATION, ago(days=10))
        cls.params.set_param(PARAM_MAX_AGE, "30")
        cls.params.set_param(PARAM_ABANDONED_DELAY, "1.0")
        cls.template = cls.env.ref("soon_ecommerce_orders.mail_template_cart_recovery")
        cls.params.set_param(PARAM_TEMPLATE, str(cls.template.id))
        cls.env["sale.cart.recovery.step"].search([]).write({"active": False})
        # the carts already in the database (demo data, other tests' committed
        # data) are older than the maximum age: the job sees the test's carts only,
        # so its figures can be checked exactly
        cls.env.cr.execute(
            "UPDATE sale_order SET date_order = %s, cart_last_activity = %s WHERE state = 'draft'",
            [ago(days=60), ago(days=60)],
        )
        cls.env["sale.order"].invalidate_cache(["date_order", "cart_last_activity"])
        cls.Order = cls.env["sale.order"]
        cls.Job = cls.env["sale.cart.recovery.job"]
        cls.customers = 0

    @classmethod
    def make_customer(cls, **values):
        cls.customers += 1
        vals = {"name": "Cart Customer %d" % cls.customers, "email": "cart.customer%d@example.com" % cls.customers}
        vals.update(values)
        return cls.env["res.partner"].create(vals)

    @classmethod
    def make_cart(cls, partner=None, idle_hours=3.0, created_days=1, **values):
        """A website cart whose customer last changed it ``idle_hours`` ago."""
        order = cls.make_order(partner=partner or cls.make_customer(), **values)
        order.write({"date_order": ago(days=created_days), "cart_last_activity": ago(hours=idle_hours)})
        return order

    def run_job(self):
        return self.Job._send_cart_reminders()

    def mails(self, order):
        return self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id)])

    def assertReminded(self, order, count=1):
        self.assertEqual(len(self.mails(order)), count, "%s: %d reminder(s) expected" % (order.name, count))
        self.assertEqual(order.cart_recovery_step, count)
        self.assertEqual(len(order.cart_recovery_reminder_ids), count)

    def assertNotReminded(self, order):
        self.assertFalse(self.mails(order), "%s must not be reminded" % order.name)
        self.assertEqual(order.cart_recovery_step, 0, "a cart not reminded is not marked")
        self.assertFalse(order.cart_recovery_reminder_ids)
