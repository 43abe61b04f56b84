# ruff: noqa: B018
{
    "name": "SoOn Returns",
    "summary": "Returns through an online portal form with a return policy, "
    "refunded through the payment providers that support them",
    "version": "11.0.1.2.0",
    "category": "Website",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": [
        "portal",
        "website_sale",
        "sale_stock",
        "account_invoicing",
        "soon_ecommerce_orders",
        "soon_payment_refund",
    ],
    "data": [
        "security/return_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/return_reason_data.xml",
        "data/stock_location_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "wizard/return_request_reject_views.xml",
        "wizard/payment_refund_wizard_views.xml",
        "views/return_request_views.xml",
        "views/return_reason_views.xml",
        "views/return_report_views.xml",
        "views/product_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/res_config_settings_views.xml",
        "views/return_menus.xml",
        "views/portal_templates.xml",
        "views/payment_views.xml",
    ],
    "demo": [
        "demo/return_demo.xml",
    ],
    "application": True,  # listed under the Apps menu's default "Apps" filter
}
