# ruff: noqa: F401
from . import payment_refund_wizard, return_request_reject
