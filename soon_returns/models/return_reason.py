from odoo import fields, models


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
    company_id = fields.Many2one(
        "res.company", string="Company", help="Leave empty to use this reason in every company."
    )

    _sql_constraints = [
        ("code_uniq", "unique(code, company_id)", "The code of a return reason must be unique."),
    ]
