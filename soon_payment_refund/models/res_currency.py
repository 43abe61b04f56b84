from odoo import api, models

#: currencies without a fraction whatever Odoo 11's data says (Stripe's and the banks' unit)
WHOLE_UNIT_CURRENCIES = ("VND",)


class ResCurrency(models.Model):
    _inherit = "res.currency"

    @api.model
    def _soon_set_whole_unit_rounding(self):
        """At install and every update: the đồng has no fraction. Odoo 11
        ships VND with a rounding of 0.01 in a ``noupdate`` record, so a data
        record would not reach existing databases."""
        currencies = self.with_context(active_test=False).search(
            [("name", "in", WHOLE_UNIT_CURRENCIES), ("rounding", "<", 1.0)]
        )
        currencies.write({"rounding": 1.0})
        return True
