from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import str2bool

#: what a payment acquirer can refund from Odoo, weakest first
REFUND_SUPPORT = [
    ("none", "None"),
    ("full_only", "Full refunds only"),
    ("full_and_partial", "Full and partial refunds"),
]
REFUND_LEVEL = {key: level for level, (key, _label) in enumerate(REFUND_SUPPORT)}
#: Stripe's API, unless the ``soon_returns.stripe_api_url`` system parameter says otherwise
STRIPE_API_URL = "https://api.stripe.com"
#: system parameter of the demo shops (their demo data sets it): the demo acquirer may be published
DEMO_PAYMENTS_PARAM = "soon.demo_payments_enabled"


class PaymentAcquirer(models.Model):
    _inherit = "payment.acquirer"

    provider = fields.Selection(selection_add=[("soon_demo", "Demo")])
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
    soon_demo_payment_outcome = fields.Selection(
        [("ask", "Let the customer choose"), ("done", "Succeed"), ("pending", "Stay pending"), ("error", "Fail")],
        string="Demo Payments",
        default="ask",
        help="What happens when a customer pays with the demo acquirer (no money moves).",
    )
    soon_demo_refund_outcome = fields.Selection(
        [("success", "Succeed"), ("decline", "Be declined"), ("unavailable", "Fail temporarily")],
        string="Demo Refunds",
        default="success",
        help="What the demo acquirer answers to refunds: succeed, decline for good (a new attempt is "
        "needed), or fail temporarily (the same attempt can be retried).",
    )
    soon_demo_refund_message = fields.Char(
        string="Demo Decline Message",
        translate=True,
        default="The demo bank declined the refund.",
        help="The message the demo acquirer gives when it declines a refund.",
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

    @api.constrains("provider", "environment")
    def _check_soon_demo_environment(self):
        if any(a.provider == "soon_demo" and a.environment == "prod" for a in self):
            raise ValidationError(
                _("The demo acquirer accepts any payment without money: it can only be used in test mode.")
            )

    @api.constrains("provider", "website_published")
    def _check_soon_demo_published(self):
        """Published, the demo acquirer confirms orders without money: only
        where demo payments are enabled on purpose (a demo shop)."""
        published = self.filtered(lambda a: a.provider == "soon_demo" and a.website_published)
        if published and not self._soon_demo_payments_enabled():
            raise ValidationError(
                _(
                    "The demo acquirer confirms orders without any money: it cannot be published on this shop. "
                    "Demo payments are only for demo shops (system parameter %s set to True)."
                )
                % DEMO_PAYMENTS_PARAM
            )

    @api.model
    def _soon_demo_payments_enabled(self):
        value = self.env["ir.config_parameter"].sudo().get_param(DEMO_PAYMENTS_PARAM) or "False"
        return str2bool(value.strip(), default=False)

    @api.onchange("provider")
    def _onchange_provider_refund_support(self):
        self.refund_support = self._get_refund_capability(self.provider)
        if self.provider == "soon_demo":
            self.view_template_id = self._get_soon_demo_button()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        provider = vals.get("provider") or self.default_get(["provider"]).get("provider")
        vals.setdefault("refund_support", self._get_refund_capability(provider))
        if provider == "soon_demo":
            # the generic button (the field's default) lacks the demo form's signature
            default_button = self._get_default_view_template_id()
            if vals.get("view_template_id") in (None, False, default_button.id if default_button else False):
                vals["view_template_id"] = self._get_soon_demo_button().id or vals.get("view_template_id")
        return super().create(vals)

    @api.model
    def _get_soon_demo_button(self):
        return (
            self.env.ref("soon_returns.soon_demo_acquirer_button", raise_if_not_found=False) or self.env["ir.ui.view"]
        )

    # ------------------------------------------------------------------
    # Refund capability
    # ------------------------------------------------------------------
    def _get_feature_support(self):
        """Odoo 11's features plus the refunds implemented per provider:
        ``refund_full`` (the whole payment at once) and ``refund_partial``
        (any amount; implies full)."""
        support = super()._get_feature_support()
        support.setdefault("refund_full", [])
        support.setdefault("refund_partial", []).extend(["soon_demo", "stripe"])
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
        """At install: acquirers that already exist get what their provider implements."""
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

    # ------------------------------------------------------------------
    # Demo provider: a tiny payment page on this server, no network
    # ------------------------------------------------------------------
    @api.multi
    def soon_demo_get_form_action_url(self):
        return "/payment/soon_demo/pay"

    @api.multi
    def soon_demo_form_generate_values(self, values):
        """The checkout form's values, signed so that the payment page cannot
        be posted with another amount or for another transaction."""
        self.ensure_one()
        values = dict(values)
        values["soon_demo_signature"] = self.env["payment.transaction"]._soon_demo_signature(
            values.get("reference"), values.get("amount"), values["currency"].name if values.get("currency") else ""
        )
        return values

    # ------------------------------------------------------------------
    # Stripe: where its API lives (a local server in tests)
    # ------------------------------------------------------------------
    @api.model
    def _get_stripe_refund_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("soon_returns.stripe_api_url") or STRIPE_API_URL
        return "%s/v1/refunds" % base.rstrip("/")
