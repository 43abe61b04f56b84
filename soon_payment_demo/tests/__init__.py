# Every test module, so that Odoo's own runner finds the same tests as pytest-odoo.
from . import (
    test_refund_browser,
    test_refund_concurrency,
    test_refund_demo,
    test_refund_demo_payment,
    test_refund_guards,
)
