# -*- coding: utf-8 -*-
{
    "name": "SoOn VietQR Payment Codes",
    "summary": "VietQR codes (NAPAS EMV QR) and bank details where web customers pay by bank transfer: "
    "order confirmation, emails, portal, invoice",
    "version": "11.0.1.0.0",
    "category": "Accounting",
    "author": "SoOn",
    "website": "https://github.com/soon-erp/ecommerce-order-handling",
    "license": "LGPL-3",
    "depends": ["account", "payment_transfer", "website_sale", "soon_ecommerce_orders"],
    "external_dependencies": {"python": ["qrcode"]},
    "data": [
        "data/res_bank_data.xml",
        "data/mail_template_data.xml",
        "views/res_bank_views.xml",
        "views/payment_acquirer_views.xml",
        "views/mail_template_views.xml",
        "views/vietqr_templates.xml",
        "report/report_invoice.xml",
    ],
    "demo": ["demo/payment_acquirer_demo.xml"],
}
