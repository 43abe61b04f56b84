# -*- coding: utf-8 -*-
from . import (
    account_invoice,
    cart_recovery_job,
    cart_recovery_reminder,
    cart_recovery_report,
    cart_recovery_step,
    mail_compose_message,
    mail_template,
    payment_transaction,
    res_config_settings,
    res_lang,
    res_partner,
    sale_order,
    website,
)
