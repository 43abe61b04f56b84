# ruff: noqa: F401
from . import payment_refund_wizard
