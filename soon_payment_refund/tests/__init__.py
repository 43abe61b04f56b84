# Every test module, so that Odoo's own runner finds the same tests as pytest-odoo.
# Refunds through a provider that refunds are tested with that provider
# (soon_payment_demo, soon_payment_refund_stripe).
from . import test_hooks, test_refund_manual
