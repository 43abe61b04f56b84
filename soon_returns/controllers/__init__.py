# ruff: noqa: F401
from . import demo_payment, portal
