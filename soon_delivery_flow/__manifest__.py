# -*- coding: utf-8 -*-
{
    "name": "SoOn Delivery Flow",
    "summary": "Pick-pack-ship in one or several actions, shipping labels, the customer's shipped email",
    "version": "11.0.1.0.0",
    "category": "Warehouse",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["sale_stock", "delivery", "website_sale", "soon_ecommerce_orders"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "report/shipping_label_reports.xml",
        "report/shipping_label_templates.xml",
        "wizard/delivery_process_views.xml",
        "views/stock_picking_views.xml",
        "views/delivery_carrier_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/delivery_flow_demo.xml",
    ],
    "application": True,  # listed under the Apps menu's default "Apps" filter
}
