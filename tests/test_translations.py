"""Every user-facing string of the three add-ons has its Vietnamese translation.

The terms are generated from the installed add-ons exactly as Settings ‣
Translations ‣ Export Translation does (models, views, templates, data, Python
``_()`` and JavaScript ``_t()``); each must have a non-empty translation in the
add-on's ``i18n/vi.po`` (read with Odoo's own PO reader). A new or changed
string without one fails here, naming it.
"""

from odoo.modules import get_module_resource
from odoo.tests import common
from odoo.tools.translate import PoFile, trans_generate

from soon_testing.paths import ADDONS


def translated_msgids(path):
    with open(path, "rb") as po:
        return {row[3] for row in PoFile(po) if (row[4] or "").strip()}


@common.at_install(False)
@common.post_install(True)
class TestVietnameseTranslations(common.TransactionCase):
    def test_every_term_is_translated(self):
        # a term may be attributed to the add-on that defines the field while
        # another add-on adds to it (a selection value): any of the three files
        translated = set()
        for addon in ADDONS:
            path = get_module_resource(addon, "i18n", "vi.po")
            self.assertTrue(path, "%s ships i18n/vi.po" % addon)
            translated |= translated_msgids(path)
        for addon in ADDONS:
            with self.subTest(addon=addon):
                terms = {row[4] for row in trans_generate("vi_VN", [addon], self.cr) if row[0] == addon}
                self.assertGreater(len(terms), 20, "%s has user-facing strings" % addon)
                missing = sorted(terms - translated)
                self.assertFalse(
                    missing, "%d terms of %s without Vietnamese, e.g. %s" % (len(missing), addon, missing[:10])
                )

    def test_the_customer_sees_vietnamese(self):
        """The translations are loaded: labels read in Vietnamese."""
        self.assertTrue(self.env["res.lang"].search([("code", "=", "vi_VN")]), "Vietnamese is loaded")
        Order = self.env["sale.order"].with_context(lang="vi_VN")
        label = Order.fields_get(["payment_status"])["payment_status"]["string"]
        self.assertNotEqual(label, "Payment Status")
        self.assertTrue(label.strip())
