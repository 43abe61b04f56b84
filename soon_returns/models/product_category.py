from odoo import api, fields, models

from .return_reason import FEE_POLICIES, _check_fee


class ProductCategory(models.Model):
    _inherit = "product.category"

    return_policy = fields.Selection(
        [
            ("parent", "Same as parent category"),
            ("returnable", "Returnable"),
            ("final_sale", "Final sale (not returnable)"),
        ],
        default="parent",
        help="Products of this category that do not set their own policy follow it. "
        "At the top of the tree, 'Same as parent' means: stockable products are "
        "returnable; services and consumables are not.",
    )
    return_window_days = fields.Integer(
        string="Return Window (days)",
        help="Days after delivery to return a product. 0: the parent category's window, or the company's default.",
    )
    return_reason_ids = fields.Many2many(
        "return.reason",
        "product_category_return_reason_rel",
        "categ_id",
        "reason_id",
        string="Allowed Return Reasons",
        help="Empty: the parent category's reasons, or every reason.",
    )

    restocking_fee_policy = fields.Selection(
        [("parent", "Same as parent category")] + FEE_POLICIES,
        string="Restocking Fee",
        default="parent",
        help="Kept from the refund of a returned product of this category, unless the return reason "
        "sets its own fee. 'Same as parent' at the top of the tree means no fee.",
    )
    restocking_fee_value = fields.Float(
        string="Fee Value", help="Percentage (0-100) or fixed amount per line in the company's currency."
    )

    @api.constrains("restocking_fee_policy", "restocking_fee_value")
    def _check_restocking_fee(self):
        for categ in self:
            _check_fee(categ.restocking_fee_policy, categ.restocking_fee_value)

    @api.multi
    def _get_restocking_fee_rule(self):
        """``(policy, value)`` of the nearest category up the tree that sets a fee."""
        self.ensure_one()
        categ = self
        while categ:
            if categ.restocking_fee_policy not in (False, "parent"):
                return categ.restocking_fee_policy, categ.restocking_fee_value
            categ = categ.parent_id
        return "none", 0.0

    @api.multi
    def _get_return_policy_values(self):
        """Walk up the category tree: ``(policy, window_days, reasons)``.

        Each value comes from the nearest category that sets it; ``policy`` is
        ``False`` when no category up the tree decides.
        """
        self.ensure_one()
        policy, window, reasons = False, 0, self.env["return.reason"]
        categ = self
        while categ:
            if not policy and categ.return_policy != "parent":
                policy = categ.return_policy
            if not window and categ.return_window_days:
                window = categ.return_window_days
            if not reasons and categ.return_reason_ids:
                reasons = categ.return_reason_ids
            categ = categ.parent_id
        return policy, window, reasons
