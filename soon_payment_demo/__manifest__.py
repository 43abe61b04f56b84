# ruff: noqa: B018
{
    "name": "SoOn Demo Payment Acquirer",
    "summary": "A Demo payment acquirer for test and demo shops: a payment page on the shop, refunds on demand, "
    "no network, no money",
    "version": "11.0.1.0.0",
    "category": "Accounting",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["payment", "website_sale", "soon_payment_refund"],
    "data": [
        "views/payment_acquirer_views.xml",
        "views/payment_demo_templates.xml",
    ],
    "demo": [
        "demo/payment_acquirer_demo.xml",
    ],
    "pre_init_hook": "pre_init_hook",
}
