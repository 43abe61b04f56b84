# -*- coding: utf-8 -*-
from . import account_invoice, mail_template, payment_acquirer, res_bank, sale_order
