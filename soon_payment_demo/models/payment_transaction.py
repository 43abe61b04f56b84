"""The demo acquirer's payments (a signed form posted to its own page) and
refunds (succeed, declined or unavailable on demand): no network, no money."""

import hashlib
import hmac
import math

from odoo import _, api, fields, models
from odoo.addons.payment.models.payment_acquirer import ValidationError
from odoo.addons.soon_payment_refund.models.payment_transaction import RefundProviderError


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    # ------------------------------------------------------------------
    # Refunds (the refund engine's hook)
    # ------------------------------------------------------------------
    @api.multi
    def _soon_demo_send_refund_request(self):
        acquirer = self.acquirer_id
        outcome = acquirer.soon_demo_refund_outcome
        if outcome == "decline":
            raise RefundProviderError(acquirer.soon_demo_refund_message or _("The demo bank declined the refund."))
        if outcome == "unavailable":
            raise RefundProviderError(_("The demo bank is unavailable for a moment: retry the refund."), retryable=True)
        self.acquirer_reference = "demo_re_%s" % self.reference

    # ------------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------------
    @api.model
    def _soon_demo_signature(self, reference, amount, currency_name):
        """Signs the values of the demo payment form (nobody pays another amount)."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        message = "%s|%.2f|%s" % (reference, float(amount or 0.0), currency_name)
        return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    @api.multi
    def _soon_demo_form_data(self, outcome="done"):
        """What the demo payment page posts back for this transaction, signed
        (without ``outcome``: what the checkout form posts to the page)."""
        self.ensure_one()
        data = {
            "reference": self.reference,
            "amount": str(self.amount),
            "currency": self.currency_id.name,
            "signature": self._soon_demo_signature(self.reference, self.amount, self.currency_id.name),
        }
        if outcome:
            data["outcome"] = outcome
        return data

    @api.model
    def _soon_demo_form_get_tx_from_data(self, data):
        reference = data.get("reference")
        tx = (
            self.search([("reference", "=", reference), ("acquirer_id.provider", "=", "soon_demo")])
            if reference
            else self
        )
        if len(tx) != 1:
            raise ValidationError(_("Demo payment: no transaction %s.") % (reference or ""))
        return tx

    @api.multi
    def _soon_demo_form_get_invalid_parameters(self, data):
        """Junk (non-ASCII signature, ``nan``, ``inf``, no amount) is invalid, never an error."""
        invalid = []
        signature = self._soon_demo_signature(self.reference, self.amount, self.currency_id.name)
        received = data.get("signature") or ""
        received = received.encode("utf-8", "replace") if isinstance(received, str) else b""
        if not hmac.compare_digest(signature.encode(), received):
            invalid.append(("signature", data.get("signature"), "..."))
        try:
            amount = float(data.get("amount"))
        except (TypeError, ValueError):
            amount = None
        if amount is None or not math.isfinite(amount) or self._compare_amounts(amount, self.amount):
            invalid.append(("amount", data.get("amount"), "%.2f" % self.amount))
        if data.get("currency") != self.currency_id.name:
            invalid.append(("currency", data.get("currency"), self.currency_id.name))
        return invalid

    @api.multi
    def _soon_demo_form_validate(self, data):
        if self.state not in ("draft", "pending"):
            return True
        if not self.acquirer_id._soon_demo_payments_enabled():
            # no money moves: never a confirmed order outside a demo shop, published or not
            return self.write(
                {"state": "error", "state_message": _("Demo payments are disabled on this shop: no order is paid.")}
            )
        outcome = self.acquirer_id.soon_demo_payment_outcome
        if outcome == "ask":
            outcome = data.get("outcome") if data.get("outcome") in ("done", "pending", "error") else "done"
        values = {"acquirer_reference": "demo_ch_%s" % self.reference, "date_validate": fields.Datetime.now()}
        if outcome == "error":
            values.update(state="error", state_message=_("The demo card was declined."))
        else:
            values["state"] = outcome
        return self.write(values)
