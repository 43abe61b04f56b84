# -*- coding: utf-8 -*-
{
    "name": "SoOn eCommerce Orders",
    "summary": "eCommerce order and payment statuses, team assignment, unpaid "
    "COD / transfer orders, abandoned-cart emails, invoices and legal",
    "version": "11.0.1.2.0",
    "category": "Website",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["website_sale", "website_sale_stock", "payment_transfer", "account_invoicing"],
    "data": [
        "security/ir.model.access.csv",
        "security/cart_recovery_security.xml",
        "data/payment_acquirer_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "data/cart_recovery_data.xml",
        "views/sale_order_views.xml",
        "views/cart_recovery_views.xml",
        "views/res_config_settings_views.xml",
        "views/website_sale_templates.xml",
        "views/tour_assets.xml",
        "views/cart_recovery_templates.xml",
        "report/report_templates.xml",
    ],
    "demo": ["demo/res_company_demo.xml", "demo/sale_order_demo.xml", "demo/cart_recovery_demo.xml"],
    "qweb": ["static/src/xml/cart_recovery_dashboard.xml"],
    "pre_init_hook": "pre_init_hook",
    "application": True,  # listed under the Apps menu's default "Apps" filter
}
