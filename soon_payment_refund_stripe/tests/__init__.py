# Every test module, so that Odoo's own runner finds the same tests as pytest-odoo.
from . import test_refund_stripe
