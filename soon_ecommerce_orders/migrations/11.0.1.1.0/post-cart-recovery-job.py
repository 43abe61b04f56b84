# -*- coding: utf-8 -*-
"""The abandoned-cart reminder job moved from sale.order to its own model,
sale.cart.recovery.job: the scheduled action (a ``noupdate`` record, which an
update does not rewrite) of a database installed before points to it."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("soon_ecommerce_orders.ir_cron_cart_recovery", raise_if_not_found=False)
    job = env.ref("soon_ecommerce_orders.model_sale_cart_recovery_job", raise_if_not_found=False)
    if cron and job and cron.model_id.model == "sale.order" and "_cron_send_cart_reminders" in (cron.code or ""):
        # the active flag (switched by the setting), interval and next call stay as they are
        cron.sudo().write({"model_id": job.id})
