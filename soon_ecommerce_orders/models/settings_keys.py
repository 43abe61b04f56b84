# -*- coding: utf-8 -*-
"""The ``ir.config_parameter`` keys the add-on reads and writes, in one place.

Odoo 11 keeps the eCommerce settings in system parameters: the add-on's own
keys (``soon_ecommerce_orders.*``) and the website_sale keys it reuses
(``website_sale.*``, Odoo's settings of the same name).  Code, tests and
benchmarks import them from here instead of repeating the strings.
"""

# ------------------------------------------------------------- this add-on's
#: "Require Terms & Conditions" (set: the customer must accept them to pay)
PARAM_TERMS_REQUIRED = "soon_ecommerce_orders.terms_required"
#: days after checkout of the payment reminder of an unpaid order (0 = never)
PARAM_UNPAID_REMINDER_DAYS = "soon_ecommerce_orders.unpaid_reminder_days"
#: days after checkout of the cancellation of an unpaid quotation (0 = never)
PARAM_UNPAID_CANCEL_DAYS = "soon_ecommerce_orders.unpaid_cancel_days"
#: largest quantity of one cart line (no setting field: a system parameter)
PARAM_CART_MAX_QTY = "soon_ecommerce_orders.cart_max_qty"
#: the automatic abandoned-cart reminders are on
PARAM_AUTO = "soon_ecommerce_orders.cart_recovery_auto"
#: when they were switched on: carts abandoned before are never reminded
PARAM_ACTIVATION = "soon_ecommerce_orders.cart_recovery_activation_date"
#: carts created more than this number of days ago get no reminder
PARAM_MAX_AGE = "soon_ecommerce_orders.cart_recovery_max_age_days"

# ---------------------------------------------------------- Odoo's website_sale
#: hours without a change after which a cart is abandoned (the first reminder's delay)
PARAM_ABANDONED_DELAY = "website_sale.cart_abandoned_delay"
#: the template of the first reminder (and of Odoo's manual recovery email)
PARAM_TEMPLATE = "website_sale.cart_recovery_mail_template_id"
#: "Automatic Invoice": an invoice is created and paid with the payment
PARAM_AUTOMATIC_INVOICE = "website_sale.automatic_invoice"

# ------------------------------------------------------------------ defaults
DEFAULT_ABANDONED_DELAY = 1.0
DEFAULT_MAX_AGE_DAYS = 30
#: largest quantity of one cart line on the website when PARAM_CART_MAX_QTY is
#: unset (absurd quantities such as 10^12 are brought down to it)
DEFAULT_CART_MAX_QTY = 10000
