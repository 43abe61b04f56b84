"""Every user-facing string of the three add-ons has its Vietnamese translation.

The terms are generated from the installed add-ons exactly as Settings ‣
Translations ‣ Export Translation does (models, views, templates, data, Python
``_()`` and JavaScript ``_t()``), and each must have a non-empty translation
loaded from the add-on's ``i18n/vi.po``: a new or changed string without one
fails here, naming it.
"""
from odoo.tests import common
from odoo.tools.translate import trans_generate

ADDONS = ("soon_ecommerce_orders", "soon_delivery_flow", "soon_returns")


@common.at_install(False)
@common.post_install(True)
class TestVietnameseTranslations(common.TransactionCase):

    def test_every_term_is_translated(self):
        self.assertTrue(self.env["res.lang"].search([("code", "=", "vi_VN")]), "Vietnamese is loaded")
        for addon in ADDONS:
            with self.subTest(addon=addon):
                rows = trans_generate("vi_VN", [addon], self.cr)
                terms = [row for row in rows if row[0] == addon]
                self.assertGreater(len(terms), 20, "%s has user-facing strings" % addon)
                missing = sorted({(kind, name, src) for _module, kind, name, _res_id, src, value, _comments in terms
                                  if not (value or "").strip()})
                self.assertFalse(missing, "%d untranslated terms in %s, e.g. %s"
                                 % (len(missing), addon, missing[:10]))
