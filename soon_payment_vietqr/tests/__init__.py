# -*- coding: utf-8 -*-
# Every test module, so that Odoo's own runner (odoo --test-enable) finds the same tests as pytest-odoo.
from . import test_vietqr_http, test_vietqr_mail_invoice, test_vietqr_orders, test_vietqr_payload
