# ruff: noqa: B018
{
    "name": "SoOn Stripe Refunds",
    "summary": "Refunds through Stripe for the SoOn refund engine: full and partial, idempotent, pending refunds "
    "checked later",
    "version": "11.0.1.0.0",
    "category": "Accounting",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["payment_stripe", "soon_payment_refund"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "data/payment_acquirer_data.xml",
    ],
}
