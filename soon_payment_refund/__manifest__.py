# ruff: noqa: B018
{
    "name": "SoOn Payment Refunds",
    "summary": "Refunds from the sales order through the payment acquirers that support them: "
    "credit notes, locking, idempotency, retries, manual refunds",
    "version": "11.0.1.0.0",
    "category": "Accounting",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["sale_payment", "account_invoicing", "soon_ecommerce_orders"],
    "data": [
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "data/payment_acquirer_data.xml",
        "data/res_currency_data.xml",
        "wizard/payment_refund_wizard_views.xml",
        "views/payment_views.xml",
        "views/sale_order_views.xml",
        "views/portal_templates.xml",
    ],
    "pre_init_hook": "pre_init_hook",
}
