from odoo import _, api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    return_policy = fields.Selection(
        [("category", "Same as category"), ("returnable", "Returnable"), ("final_sale", "Final sale (not returnable)")],
        default="category",
        help="Whether customers may return this product through the portal. "
        "The product's own setting wins over its category's.",
    )
    return_window_days = fields.Integer(
        string="Return Window (days)",
        help="Days after delivery to return this product. 0: the category's window, or the company's default.",
    )
    return_reason_ids = fields.Many2many(
        "return.reason",
        "product_template_return_reason_rel",
        "product_tmpl_id",
        "reason_id",
        string="Allowed Return Reasons",
        help="Empty: the category's reasons, or every reason.",
    )


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.multi
    def _get_return_policy(self, company=None):
        """The effective return policy of this product.

        Returns a dict: ``returnable`` (bool), ``refusal`` (message when not
        returnable), ``window_days`` (int) and ``reasons`` (return.reason).
        The product wins over its category, which wins over its parents;
        without any setting, only stockable products are returnable.
        """
        self.ensure_one()
        company = company or self.env.user.company_id
        tmpl = self.product_tmpl_id
        categ_policy, categ_window, categ_reasons = tmpl.categ_id._get_return_policy_values()
        policy = tmpl.return_policy if tmpl.return_policy not in (False, "category") else categ_policy
        refusal = False
        if policy == "final_sale":
            refusal = _("This product is a final sale: it cannot be returned.")
        elif not policy and self.type != "product":
            refusal = _("This kind of product (service, digital or consumable) cannot be returned.")
        reasons = tmpl.return_reason_ids or categ_reasons
        if not reasons:
            reasons = self.env["return.reason"].search([("company_id", "in", [False, company.id])])
        return {
            "returnable": not refusal,
            "refusal": refusal,
            "window_days": tmpl.return_window_days or categ_window or company.return_window_days,
            "reasons": reasons,
        }
