# -*- coding: utf-8 -*-
"""Two menus were called "Cart Reminders": the list of reminders sent
(Website ‣ Orders) and the follow-up reminders to send (Website ‣
Configuration ‣ eCommerce), now "Follow-up Reminders".  An update renames the
menu but keeps its existing translations (Odoo does not overwrite them): the
stale ones (of the old name) go here, and the new name's translation is loaded
after this script, with the add-on's other terms."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    menu = env.ref("soon_ecommerce_orders.sale_cart_recovery_step_menu", raise_if_not_found=False)
    if menu:
        env["ir.translation"].search(
            [("name", "=", "ir.ui.menu,name"), ("res_id", "=", menu.id), ("src", "=", "Cart Reminders")]
        ).unlink()
