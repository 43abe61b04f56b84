from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

#: what a payment acquirer can refund from Odoo, weakest first
REFUND_SUPPORT = [
    ("none", "None"),
    ("full_only", "Full refunds only"),
    ("full_and_partial", "Full and partial refunds"),
]
REFUND_LEVEL = {key: level for level, (key, _label) in enumerate(REFUND_SUPPORT)}


class PaymentAcquirer(models.Model):
    _inherit = "payment.acquirer"

    refund_support = fields.Selection(
        REFUND_SUPPORT,
        string="Refunds from Odoo",
        required=True,
        default="none",
        help="Whether a refund can be sent to the customer from the order through this acquirer: "
        "not at all (record a manual refund instead), only the whole payment at once, or any "
        "amount up to what is left of the payment. It cannot exceed what the provider implements.",
    )
    refund_support_max = fields.Selection(
        REFUND_SUPPORT, string="Refunds Implemented", compute="_compute_refund_support_max"
    )

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("provider")
    def _compute_refund_support_max(self):
        for acquirer in self:
            acquirer.refund_support_max = acquirer._get_refund_capability(acquirer.provider)

    @api.constrains("refund_support", "provider")
    def _check_refund_support(self):
        for acquirer in self:
            capability = self._get_refund_capability(acquirer.provider)
            if REFUND_LEVEL[acquirer.refund_support] > REFUND_LEVEL[capability]:
                labels = dict(self._fields["refund_support"]._description_selection(self.env))
                raise ValidationError(
                    _("%(acquirer)s cannot refund more than “%(max)s” from Odoo.")
                    % {"acquirer": acquirer.name, "max": labels[capability]}
                )

    @api.onchange("provider")
    def _onchange_provider_refund_support(self):
        self.refund_support = self._get_refund_capability(self.provider)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        provider = vals.get("provider") or self.default_get(["provider"]).get("provider")
        vals.setdefault("refund_support", self._get_refund_capability(provider))
        return super().create(vals)

    # ------------------------------------------------------------------
    # Refund capability
    # ------------------------------------------------------------------
    def _get_feature_support(self):
        """Odoo 11's features plus the refunds implemented per provider:
        ``refund_full`` (the whole payment at once) and ``refund_partial``
        (any amount; implies full). Each provider's add-on adds itself."""
        support = super()._get_feature_support()
        support.setdefault("refund_full", [])
        support.setdefault("refund_partial", [])
        return support

    @api.model
    def _get_refund_capability(self, provider):
        support = self._get_feature_support()
        if provider in support["refund_partial"]:
            return "full_and_partial"
        if provider in support["refund_full"]:
            return "full_only"
        return "none"

    @api.model
    def _init_refund_support(self):
        """At install (of this add-on or of a provider's): acquirers that
        already exist get what their provider implements."""
        for acquirer in self.with_context(active_test=False).search([("refund_support", "=", "none")]):
            capability = self._get_refund_capability(acquirer.provider)
            if capability != "none":
                acquirer.refund_support = capability
        return True

    @api.multi
    def _get_refund_journal(self):
        """Where outgoing refund payments are registered: the acquirer's journal,
        else the company's first bank journal."""
        self.ensure_one()
        journal = self.journal_id or self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not journal:
            raise UserError(_("Set a payment journal on the acquirer %s: refunds are registered in it.") % self.name)
        return journal
