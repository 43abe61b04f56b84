# -*- coding: utf-8 -*-
# Every test module, so that Odoo's own runner (odoo --test-enable, as Odoo's and OCA's CI run it)
# finds the same tests as pytest-odoo (see docs/runtime.md, "Running the add-ons' tests with Odoo's runner").
# The refunds of returns through a provider that refunds (demo, Stripe) need those add-ons, which
# soon_returns does not depend on: tests/test_refund_returns.py at the top level.
from . import (
    test_browser,
    test_concurrency,
    test_policy,
    test_portal,
    test_refund_fee,
    test_refund_manual_return,
    test_request_flow,
    test_return_access,
)
