# -*- coding: utf-8 -*-
# Every test module, so that Odoo's own runner (odoo --test-enable, as Odoo's and OCA's CI run it)
# finds the same tests as pytest-odoo (see docs/runtime.md, "Running the add-ons' tests with Odoo's runner").
from . import (
    test_action_done_access,
    test_browser,
    test_delivery_concurrency,
    test_process_deliveries,
    test_reservation_rule,
    test_settings_browser,
    test_shipped_email,
    test_shipper_message,
    test_shipping_label,
)
