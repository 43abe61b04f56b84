import math

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.misc import str2bool

#: system parameter of the demo shops (their demo data sets it): the demo acquirer may be published
DEMO_PAYMENTS_PARAM = "soon.demo_payments_enabled"


class PaymentAcquirer(models.Model):
    _inherit = "payment.acquirer"

    provider = fields.Selection(selection_add=[("soon_demo", "Demo")])
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
    # Constraints and onchanges
    # ------------------------------------------------------------------
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
        result = super()._onchange_provider_refund_support()
        if self.provider == "soon_demo":
            self.view_template_id = self._get_soon_demo_button()
        return result

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        provider = vals.get("provider") or self.default_get(["provider"]).get("provider")
        if provider == "soon_demo":
            # the generic button (the field's default) lacks the demo form's signature
            default_button = self._get_default_view_template_id()
            if vals.get("view_template_id") in (None, False, default_button.id if default_button else False):
                vals["view_template_id"] = self._get_soon_demo_button().id or vals.get("view_template_id")
        return super().create(vals)

    @api.model
    def _get_soon_demo_button(self):
        return (
            self.env.ref("soon_payment_demo.soon_demo_acquirer_button", raise_if_not_found=False)
            or self.env["ir.ui.view"]
        )

    # ------------------------------------------------------------------
    # Refund capability: any amount
    # ------------------------------------------------------------------
    def _get_feature_support(self):
        support = super()._get_feature_support()
        support["refund_partial"].append("soon_demo")
        return support

    # ------------------------------------------------------------------
    # Payment form: a tiny payment page on this server, no network
    # ------------------------------------------------------------------
    @api.multi
    def soon_demo_get_form_action_url(self):
        return "/payment/soon_demo/pay"

    @api.multi
    def soon_demo_form_generate_values(self, values):
        """The checkout form's values, signed so that the payment page cannot
        be posted with another amount or for another transaction.

        Public (Odoo's ``render`` calls it by name), so callable over RPC:
        it signs only the values of an existing draft or pending demo
        transaction of this acquirer (reference, amount and currency as
        stored), and only for trusted code (Odoo renders the payment form as
        superuser) or a user who may read that transaction: never a signing
        oracle for made-up references or amounts."""
        self.ensure_one()
        values = dict(values)
        tx = self._soon_demo_get_signable_transaction(values)
        values["soon_demo_signature"] = (
            tx._soon_demo_signature(tx.reference, tx.amount, tx.currency_id.name) if tx else False
        )
        return values

    @api.multi
    def _soon_demo_get_signable_transaction(self, values):
        """The transaction ``values`` describe, if the caller may have it signed."""
        self.ensure_one()
        reference = values.get("reference")
        currency = values.get("currency")
        if not reference or not isinstance(reference, str) or self.provider != "soon_demo":
            return None
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [("reference", "=", reference), ("acquirer_id", "=", self.id), ("state", "in", ("draft", "pending"))],
                limit=1,
            )
        )
        if not tx:
            return None
        try:
            amount = float(values.get("amount"))
        except (TypeError, ValueError):
            return None
        if not math.isfinite(amount) or tx._compare_amounts(amount, tx.amount):
            return None
        if currency and currency != tx.currency_id:
            return None
        user = self.env.user
        if not user._is_superuser():
            # over RPC: the caller's own transaction only
            if tx.partner_id.commercial_partner_id != user.partner_id.commercial_partner_id:
                return None
            try:
                tx.sudo(user).check_access_rights("read")
                tx.sudo(user).check_access_rule("read")
            except AccessError:
                return None
        return tx
