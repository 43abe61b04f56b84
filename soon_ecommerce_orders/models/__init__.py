# -*- coding: utf-8 -*-
from . import (
    account_invoice,
    payment_transaction,
    res_config_settings,
    res_partner,
    sale_order,
    website,
)
