# ruff: noqa: F401
from . import payment_acquirer, payment_transaction
