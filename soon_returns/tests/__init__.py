# -*- coding: utf-8 -*-
# Every test module, so that Odoo's own runner (odoo --test-enable, as Odoo's and OCA's CI run it)
# finds the same tests as pytest-odoo (see docs/runtime.md, "Running the add-ons' tests with Odoo's runner").
from . import (
    test_browser,
    test_concurrency,
    test_policy,
    test_portal,
    test_refund_access,
    test_refund_browser,
    test_refund_concurrency,
    test_refund_demo,
    test_refund_demo_payment,
    test_refund_fee,
    test_refund_guards,
    test_refund_stripe,
    test_request_flow,
    test_return_access,
)
