# -*- coding: utf-8 -*-
{
    "name": "SoOn Delivery Flow",
    "summary": "Pick-pack-ship in one or several actions, shipping labels, "
               "the customer's shipped email",
    "version": "11.0.1.0.0",
    "category": "Warehouse",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["sale_stock", "delivery", "website_sale", "soon_ecommerce_orders"],
    "data": [],
    "installable": True,
    "application": False,
}
