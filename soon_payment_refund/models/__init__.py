# ruff: noqa: F401
from . import account_payment, payment_acquirer, payment_transaction, res_currency, sale_order
