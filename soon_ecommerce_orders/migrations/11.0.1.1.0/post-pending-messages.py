# -*- coding: utf-8 -*-
"""Cash on Delivery and Pay in Store got their own pending message (the
confirmation page said "Your online payment has been successfully processed",
Odoo's default): the acquirers are ``noupdate`` records, which an update does
not rewrite, so a database installed before gets the message here, unless the
shop already wrote its own.  The Vietnamese translation is loaded after this
script, with the add-on's other terms."""

from odoo import SUPERUSER_ID, api

MESSAGES = {
    "soon_ecommerce_orders.payment_acquirer_cash_on_delivery": "<i>Pending,</i> your order is registered: you will pay the courier in cash on delivery.",
    "soon_ecommerce_orders.payment_acquirer_pay_in_store": "<i>Pending,</i> your order is registered: you will pay at the counter when you collect it in our store.",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, message in MESSAGES.items():
        acquirer = env.ref(xmlid, raise_if_not_found=False)
        if acquirer and (not acquirer.pending_msg or "successfully processed" in acquirer.pending_msg):
            acquirer.write({"pending_msg": message})
