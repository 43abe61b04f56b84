# -*- coding: utf-8 -*-
# Every test module, so that Odoo's own runner (odoo --test-enable, as Odoo's and OCA's CI run it)
# finds the same tests as pytest-odoo (see docs/runtime.md, "Running the add-ons' tests with Odoo's runner").
from . import (
    test_browser_checkout,
    test_cart_recovery,
    test_cart_recovery_analytics,
    test_cart_recovery_browser,
    test_cart_recovery_concurrency,
    test_cart_recovery_http,
    test_checkout_http,
    test_first_use,
    test_invoices,
    test_migrations,
    test_routes_bad_input,
    test_security_rpc,
    test_settings_browser,
    test_statuses,
    test_terms_browser,
    test_unpaid_orders,
    test_unpaid_orders_concurrency,
)
