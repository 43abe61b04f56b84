"""soon_testing.languages: a Vietnamese test on a database without Vietnamese
loads it (Odoo's runner installs English only) instead of skipping."""

from odoo.tests import common

from soon_testing.languages import ensure_language


@common.at_install(False)
@common.post_install(True)
class TestEnsureLanguage(common.TransactionCase):
    def _vietnamese_terms(self, module):
        self.env.cr.execute("SELECT count(*) FROM ir_translation WHERE lang = 'vi_VN' AND module = %s", [module])
        return self.env.cr.fetchone()[0]

    def test_loads_a_missing_language_with_the_add_ons_terms(self):
        # as Odoo's runner leaves a database: Vietnamese neither active nor translated
        self.env.cr.execute("DELETE FROM ir_translation WHERE lang = 'vi_VN'")
        self.env["res.lang"].search([("code", "=", "vi_VN")]).write({"active": False})
        self.env["res.users"].search([("lang", "=", "vi_VN")]).write({"lang": "en_US"})
        self.assertFalse(self.env["res.lang"].search([("code", "=", "vi_VN")]))
        self.assertEqual(self._vietnamese_terms("soon_delivery_flow"), 0)

        lang = ensure_language(self.env, "vi_VN")

        self.assertEqual(lang.code, "vi_VN")
        self.assertTrue(lang.active)
        self.assertGreater(self._vietnamese_terms("soon_delivery_flow"), 50)
        self.assertGreater(self._vietnamese_terms("sale"), 50)

    def test_an_active_language_is_left_as_it_is(self):
        ensure_language(self.env, "vi_VN")
        before = self._vietnamese_terms("soon_ecommerce_orders")
        self.env.cr.execute("SELECT count(*) FROM ir_translation")
        total = self.env.cr.fetchone()[0]
        self.assertEqual(ensure_language(self.env, "vi_VN").code, "vi_VN")
        self.env.cr.execute("SELECT count(*) FROM ir_translation")
        self.assertEqual(self.env.cr.fetchone()[0], total)
        self.assertEqual(self._vietnamese_terms("soon_ecommerce_orders"), before)
