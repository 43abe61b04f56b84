# -*- coding: utf-8 -*-
"""The Inventory settings in real Chromium: a long shipped-email template name
is shown whole."""

from odoo.addons.soon_ecommerce_orders.tests.test_settings_browser import LONG_NAME, MEASURE
from odoo.tests import common

from soon_testing.common import SoonHttpCase, browser, open_url


@common.at_install(False)
@common.post_install(True)
class TestDeliverySettingsBrowser(SoonHttpCase):
    def test_template_name_whole(self):
        shipped = self.env.ref("soon_delivery_flow.mail_template_delivery_shipped")
        shipped.name = LONG_NAME.replace("eCommerce", "Delivery")
        self.env.user.company_id.write({"shipped_email_enabled": True, "shipped_email_template_id": shipped.id})
        self.authenticate("admin", "admin")
        with browser(self.base_url, self.session_id, viewport=(1440, 900)) as (page, errors):
            open_url(page, "%s/web#action=stock.action_stock_config_settings" % self.base_url, "#shipped_email_setting")
            page.wait_for_selector(".o_loading", state="hidden")
            rows = page.evaluate(MEASURE)
            self.assertEqual(errors, [])
        self.assertEqual([row["value"] for row in rows], [shipped.name], rows)
        self.assertTrue(rows[0]["whole"], "template name cut: %s" % rows[0])
