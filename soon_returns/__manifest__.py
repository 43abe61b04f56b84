# -*- coding: utf-8 -*-
{
    "name": "SoOn Returns",
    "summary": "Returns through an online portal form with a return policy, "
               "and refunds through payment providers that support them",
    "version": "11.0.1.0.0",
    "category": "Website",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["portal", "website_sale", "sale_stock", "account_invoicing",
                "payment_stripe", "soon_delivery_flow"],
    "data": [],
    "installable": True,
    "application": False,
}
