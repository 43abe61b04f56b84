"""The install hook moves the external ids of the records and fields that
left soon_returns (11.0.1.2.0) to this add-on: an update of soon_returns
keeps them (no twin, no deletion). The whole update was checked by hand on a
database built with soon_returns 11.0.1.1.0 (see docs/architecture.md)."""

from odoo.tests import common

from ..hooks import MOVED_FIELDS, MOVED_RECORDS, move_xmlids, pre_init_hook


@common.at_install(False)
@common.post_install(True)
class TestMoveXmlids(common.TransactionCase):
    def _xmlid(self, module, name, res_id=1):
        self.env.cr.execute(
            "INSERT INTO ir_model_data (module, name, model, res_id) VALUES (%s, %s, 'ir.ui.view', %s) RETURNING id",
            (module, name, res_id),
        )
        return self.env.cr.fetchone()[0]

    def _module_of(self, row_id):
        self.env.cr.execute("SELECT module FROM ir_model_data WHERE id = %s", (row_id,))
        return self.env.cr.fetchone()[0]

    def test_records_and_fields_of_the_old_module_move(self):
        moved = self._xmlid("soon_test_old", "soon_test_view")
        field = self._xmlid("soon_test_old", "field_payment_transaction_soon_test_field")
        other = self._xmlid("soon_test_old", "soon_test_stays")
        move_xmlids(
            self.env.cr,
            "soon_test_old",
            "soon_test_new",
            ["soon_test_view"],
            {"payment_transaction": ["soon_test_field"]},
        )
        self.assertEqual(self._module_of(moved), "soon_test_new")
        self.assertEqual(self._module_of(field), "soon_test_new")
        self.assertEqual(self._module_of(other), "soon_test_old")

    def test_an_id_the_new_module_already_has_is_left(self):
        old = self._xmlid("soon_test_old", "soon_test_view", 1)
        new = self._xmlid("soon_test_new", "soon_test_view", 2)
        move_xmlids(self.env.cr, "soon_test_old", "soon_test_new", ["soon_test_view"])
        self.assertEqual((self._module_of(old), self._module_of(new)), ("soon_test_old", "soon_test_new"))

    def test_the_hook_moves_what_soon_returns_held(self):
        """As on a database of soon_returns 11.0.1.1.0, where soon_returns held
        the engine's records and fields: the hook gives them to this add-on."""
        names = list(MOVED_RECORDS) + [
            "field_payment_transaction_%s" % name for name in MOVED_FIELDS["payment_transaction"]
        ]
        self.env.cr.execute(
            """UPDATE ir_model_data d SET module = 'soon_returns'
                WHERE module = 'soon_payment_refund' AND name IN %s
                  AND NOT EXISTS (SELECT 1 FROM ir_model_data o WHERE o.module = 'soon_returns' AND o.name = d.name)
            RETURNING name, res_id""",
            (tuple(names),),
        )
        held = dict(self.env.cr.fetchall())
        self.assertIn("ir_cron_check_pending_refunds", held)
        self.assertIn("field_payment_transaction_operation", held)
        pre_init_hook(self.env.cr)
        self.env["ir.model.data"].clear_caches()
        for name, res_id in held.items():
            self.assertEqual(self.env.ref("soon_payment_refund.%s" % name).id, res_id, name)
            self.assertFalse(self.env.ref("soon_returns.%s" % name, raise_if_not_found=False), name)
