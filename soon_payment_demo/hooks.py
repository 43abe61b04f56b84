"""Install hook: the demo acquirer that soon_returns held until 11.0.1.2.0
keeps its record, views and fields (see soon_payment_refund/hooks.py)."""

from odoo.addons.soon_payment_refund.hooks import move_xmlids

MOVED_RECORDS = (
    "soon_demo_acquirer_button",
    "soon_demo_pay_page",
    "payment_acquirer_soon_demo",
    "config_parameter_demo_payments_enabled",
)
MOVED_FIELDS = {
    "payment_acquirer": ("soon_demo_payment_outcome", "soon_demo_refund_outcome", "soon_demo_refund_message"),
}


def pre_init_hook(cr):
    move_xmlids(cr, "soon_returns", "soon_payment_demo", MOVED_RECORDS, MOVED_FIELDS)
    # the demo acquirer's "module" (shown on the acquirer's form) is this add-on now
    cr.execute(
        """UPDATE payment_acquirer SET module_id = (SELECT id FROM ir_module_module WHERE name = 'soon_payment_demo')
            WHERE provider = 'soon_demo'
              AND module_id = (SELECT id FROM ir_module_module WHERE name = 'soon_returns')"""
    )
