from odoo import api, models

#: Stripe's API, unless the ``soon_payment_refund_stripe.api_url`` system parameter says otherwise
STRIPE_API_URL = "https://api.stripe.com"
#: the system parameter (its former name, before the refunds left soon_returns, is still read)
STRIPE_API_URL_PARAMS = ("soon_payment_refund_stripe.api_url", "soon_returns.stripe_api_url")


class PaymentAcquirer(models.Model):
    _inherit = "payment.acquirer"

    def _get_feature_support(self):
        """Stripe refunds any amount of a charge (full and partial refunds)."""
        support = super()._get_feature_support()
        support["refund_partial"].append("stripe")
        return support

    @api.model
    def _get_stripe_refund_url(self):
        """Where Stripe's API lives (a local server in tests)."""
        parameters = self.env["ir.config_parameter"].sudo()
        base = next(filter(None, (parameters.get_param(key) for key in STRIPE_API_URL_PARAMS)), STRIPE_API_URL)
        return "%s/v1/refunds" % base.rstrip("/")
