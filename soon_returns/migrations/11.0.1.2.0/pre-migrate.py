"""11.0.1.2.0: the refund engine, the Stripe refund client and the demo
acquirer left soon_returns for their own add-ons (soon_payment_refund, the
new dependency, installed by the update; soon_payment_refund_stripe;
soon_payment_demo). A database that used them keeps them: the update also
installs the Stripe refunds where Stripe is installed and the demo acquirer
where one exists (their install hooks take over the records)."""


def migrate(cr, version):
    if not version:
        return
    wanted = []
    cr.execute("SELECT 1 FROM ir_module_module WHERE name = 'payment_stripe' AND state = 'installed'")
    if cr.fetchone():
        wanted.append("soon_payment_refund_stripe")
    cr.execute("SELECT 1 FROM payment_acquirer WHERE provider = 'soon_demo' LIMIT 1")
    if cr.fetchone():
        wanted.append("soon_payment_demo")
    if wanted:
        # Odoo's loader installs the modules marked while it loads (load_marked_modules)
        cr.execute(
            "UPDATE ir_module_module SET state = 'to install' WHERE name IN %s AND state = 'uninstalled'",
            (tuple(wanted),),
        )
