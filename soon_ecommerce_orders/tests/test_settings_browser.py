# -*- coding: utf-8 -*-
"""The Website settings as the shop manager sees them in real Chromium: the
units ("hours", "days") stay on the line of their input, a long email template
name is shown whole (soon_delivery_flow tests the Inventory settings' one)."""

from odoo.tests import common

from soon_testing.common import SoonHttpCase, browser, open_url

#: as long as the longest template name the add-ons ship (47 characters), in a 1440-pixel wide window (the
#: old layout showed about 20 characters whatever the width; the field now takes the width of its box)
LONG_NAME = "eCommerce: payment reminder for an unpaid order"

#: every visible value of the SoOn settings: is its unit beside the input, is its text whole?
MEASURE = """() => Array.from(document.querySelectorAll('.o_soon_setting_value'))
    .filter(box => box.offsetParent !== null)
    .map(box => {
        const input = box.querySelector('input');
        const texts = Array.from(box.childNodes).filter(n => n.nodeType === 3 && n.textContent.trim());
        const result = {input: !!input, unit: null, beside: null, whole: null};
        if (!input) { return result; }
        const i = input.getBoundingClientRect();
        result.whole = input.scrollWidth <= input.clientWidth + 1;
        result.value = input.value;
        if (texts.length) {
            const range = document.createRange();
            range.selectNodeContents(texts[texts.length - 1]);
            const t = range.getBoundingClientRect();
            const middle = (t.top + t.bottom) / 2;
            result.unit = texts[texts.length - 1].textContent.trim();
            result.beside = middle > i.top && middle < i.bottom && t.left >= i.right - 1;
        }
        return result;
    })"""


@common.at_install(False)
@common.post_install(True)
class TestSettingsBrowser(SoonHttpCase):
    def measure(self, page, action, selector):
        open_url(page, "%s/web#action=%s" % (self.base_url, action), selector)
        page.wait_for_selector(".o_loading", state="hidden")
        return page.evaluate(MEASURE)

    def test_units_beside_inputs_and_template_name_whole(self):
        template = self.env["res.config.settings"].create({}).cart_recovery_mail_template
        self.assertTrue(template, "the settings show a default template")
        template.name = LONG_NAME
        self.authenticate("admin", "admin")
        with browser(self.base_url, self.session_id, viewport=(1440, 900)) as (page, errors):
            website = self.measure(page, "website.action_website_configuration", "#soon_cart_recovery_setting")
            self.assertEqual(errors, [])
        units = [row for row in website if row["unit"]]
        self.assertEqual(sorted(row["unit"] for row in units), ["days", "days", "hours"], website)
        for row in units:
            self.assertTrue(row["beside"], "%r wraps under its input: %s" % (row["unit"], website))
        templates = [row for row in website if row["input"] and not row["unit"]]
        self.assertEqual([row["value"] for row in templates], [LONG_NAME], website)
        self.assertTrue(templates[0]["whole"], "template name cut: %s" % templates[0])
