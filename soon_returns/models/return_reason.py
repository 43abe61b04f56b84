from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: how a restocking fee is computed (product categories and return reasons)
FEE_POLICIES = [("none", "No fee"), ("percent", "Percentage of the line"), ("fixed", "Fixed amount per line")]


class ReturnReason(models.Model):
    _name = "return.reason"
    _description = "Return Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Technical code, used by reports and integrations.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    requires_comment = fields.Boolean(help="The customer must explain the problem in a comment.")
    requires_photo = fields.Boolean(string="Requires Photos", help="The customer must attach at least one photo.")
    company_id = fields.Many2one("res.company", help="Leave empty to use this reason in every company.")
    restocking_fee_policy = fields.Selection(
        [("category", "Product category's fee")] + FEE_POLICIES,
        string="Restocking Fee",
        required=True,
        default="category",
        help="Kept from the refund of a returned line: the fee of the product's category, none "
        "(e.g. damaged or wrong items), a percentage of the line's value, or a fixed amount per line "
        "(in the company's currency). Never more than the line's value.",
    )
    restocking_fee_value = fields.Float(
        string="Fee Value", help="Percentage (0-100) or fixed amount, depending on the restocking fee."
    )

    _sql_constraints = [
        ("code_uniq", "unique(code, company_id)", "The code of a return reason must be unique."),
    ]

    @api.constrains("restocking_fee_policy", "restocking_fee_value")
    def _check_restocking_fee(self):
        for reason in self:
            _check_fee(reason.restocking_fee_policy, reason.restocking_fee_value)


def _check_fee(policy, value):
    """A percentage between 0 and 100, a fixed amount not negative."""
    if policy == "percent" and not 0.0 <= value <= 100.0:
        raise ValidationError(_("A restocking fee percentage must be between 0 and 100."))
    if policy == "fixed" and value < 0.0:
        raise ValidationError(_("A fixed restocking fee cannot be negative."))
