# -*- coding: utf-8 -*-
{
    "name": "SoOn eCommerce Orders",
    "summary": "eCommerce order and payment statuses, team assignment, unpaid "
               "COD / transfer orders, abandoned-cart emails, invoices and legal",
    "version": "11.0.1.0.0",
    "category": "Website",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["website_sale", "website_sale_stock", "payment_transfer", "account_invoicing"],
    "data": [],
    "installable": True,
    "application": False,
}
