"""The Stripe refund client: the ``_stripe_...`` hooks of the refund engine
(``soon_payment_refund``) on ``payment.transaction``.

Endpoints (Stripe API reference): create a refund
(https://docs.stripe.com/api/refunds/create), retrieve one
(https://docs.stripe.com/api/refunds/retrieve) and list a charge's refunds
(https://docs.stripe.com/api/refunds/list), with idempotency keys
(https://docs.stripe.com/api/idempotent_requests).
"""

import logging
from datetime import datetime, timedelta

import requests
from odoo import _, api, fields, models
from odoo.addons.payment_stripe.models.payment import STRIPE_HEADERS
from odoo.addons.soon_payment_refund.models.payment_transaction import RefundProviderError
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

STRIPE_TIMEOUT = 30
#: Stripe prunes idempotency keys once they are 24 hours old: an older key is
#: never sent again (an hour of margin for clocks and slow requests)
STRIPE_KEY_LIFETIME = timedelta(hours=23)
#: Stripe error codes with a clearer explanation than Stripe's own message
STRIPE_ERROR_CODES = {
    "charge_already_refunded": "already_refunded",
    "amount_too_large": "amount_too_large",
    "balance_insufficient": "balance_insufficient",
    "resource_missing": "resource_missing",
    "charge_disputed": "charge_disputed",
}


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    @api.multi
    def _stripe_check_refund(self):
        if not self.acquirer_reference:
            raise UserError(
                _(
                    "Payment %s has no Stripe charge reference: refund it from the Stripe dashboard, "
                    "then record a manual refund."
                )
                % self.reference
            )

    @api.multi
    def _stripe_refund_params(self):
        """What this attempt asks Stripe: the charge, the amount in the
        currency's smallest unit, our references (found again when the
        outcome is unknown)."""
        self.ensure_one()
        return {
            "charge": self.source_transaction_id.acquirer_reference,
            "amount": self._get_minor_units(-self.amount, self.currency_id),
            "metadata[odoo_reference]": self.reference,
            "metadata[odoo_payment]": self.source_transaction_id.reference,
        }

    @api.multi
    def _stripe_headers(self, idempotency_key=None):
        headers = dict(STRIPE_HEADERS, Authorization="Bearer %s" % self.acquirer_id.sudo().stripe_secret_key)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    @api.model
    def _stripe_json(self, response):
        try:
            payload = response.json()
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}

    @api.multi
    def _stripe_send_refund_request(self):
        """POST /v1/refunds with the charge, the amount in the smallest unit,
        our reference in the metadata and the attempt's idempotency key
        (https://docs.stripe.com/api/refunds/create)."""
        self.ensure_one()
        params = self._stripe_refund_params()
        if params["amount"] <= 0:
            raise RefundProviderError(
                _("Stripe cannot refund %s: it is less than the smallest unit of the currency.")
                % self._format_amount(-self.amount)
            )
        try:
            response = requests.post(
                self.acquirer_id._get_stripe_refund_url(),
                data=params,
                headers=self._stripe_headers(self.refund_idempotency_key),
                timeout=STRIPE_TIMEOUT,
            )
        except requests.exceptions.RequestException as error:
            # the outcome is unknown: the retry asks Stripe first, same key within 24 hours
            _logger.warning("Stripe refund %s: no answer (%s)", self.reference, error)
            raise RefundProviderError(
                _("Stripe could not be reached (%s). Retry the refund: Stripe never refunds the same attempt twice.")
                % error.__class__.__name__,
                retryable=True,
            )
        payload = self._stripe_json(response)
        if response.status_code >= 400 or "error" in payload or not payload:
            error = self._stripe_refund_error(response.status_code, payload.get("error") or {})
            kind = (payload.get("error") or {}).get("type")
            if (
                response.status_code >= 500
                and kind == "api_error"
                or response.status_code == 400
                and (kind == "idempotency_error")
            ):
                # Stripe saved this answer under the key and would replay it:
                # the retry looks for a refund of this attempt, then uses a new key
                # (never after a 409: the first request is still running)
                error.values = {
                    "refund_idempotency_key": self._get_next_refund_idempotency_key(),
                    "refund_idempotency_key_date": False,
                }
            raise error
        return self._stripe_adopt_refund(payload)

    @api.multi
    def _stripe_check_refund_object(self, refund):
        """Stripe's refund of this attempt, checked against what was asked:
        returns ``succeeded``, ``pending`` or ``failed``."""
        self.ensure_one()
        params = self._stripe_refund_params()
        charge = refund.get("charge")
        if isinstance(charge, dict):
            charge = charge.get("id")
        if refund.get("amount") != params["amount"] or charge != params["charge"]:
            raise RefundProviderError(
                _(
                    "Stripe answered with refund %(id)s of %(got)s (smallest unit) on %(got_charge)s instead of "
                    "%(amount)s on %(charge)s: check the refunds of the payment in the Stripe dashboard."
                )
                % {
                    "id": refund.get("id"),
                    "got": refund.get("amount"),
                    "got_charge": charge,
                    "amount": params["amount"],
                    "charge": params["charge"],
                },
                retryable=True,
            )
        status = refund.get("status")
        if status in ("pending", "requires_action"):
            return "pending"
        if status in ("failed", "canceled"):
            return "failed"
        if status == "succeeded":
            return status
        raise RefundProviderError(_("Stripe did not refund (status: %s).") % status, retryable=True)

    @api.multi
    def _stripe_failure_message(self, refund):
        return _("Stripe could not refund this payment (refund %(id)s failed: %(reason)s).") % {
            "id": refund.get("id"),
            "reason": refund.get("failure_reason") or refund.get("status"),
        }

    @api.multi
    def _stripe_adopt_refund(self, refund):
        """This attempt is Stripe's ``refund`` (just made, or found when the
        outcome was unknown): ``succeeded`` or ``pending``; a failed refund
        fails the attempt (its amount can be refunded again)."""
        self.ensure_one()
        status = self._stripe_check_refund_object(refund)
        if status == "failed":
            raise RefundProviderError(self._stripe_failure_message(refund), values={"acquirer_reference": refund["id"]})
        self.write({"acquirer_reference": refund.get("id")})
        return status

    @api.multi
    def _stripe_get(self, url, params=None):
        """GET from Stripe's API: the JSON answer; raises a retryable
        ``RefundProviderError`` (nothing is known) when there is none."""
        try:
            response = requests.get(url, params=params, headers=self._stripe_headers(), timeout=STRIPE_TIMEOUT)
        except requests.exceptions.RequestException as error:
            _logger.warning("Stripe refund %s: no answer to %s (%s)", self.reference, url, error)
            raise RefundProviderError(
                _("Stripe could not be reached (%s) to check this refund: try again later.") % error.__class__.__name__,
                retryable=True,
            )
        payload = self._stripe_json(response)
        if response.status_code >= 400 or "error" in payload or not payload:
            error = self._stripe_refund_error(response.status_code, payload.get("error") or {})
            raise RefundProviderError(error.message, retryable=True)
        return payload

    @api.multi
    def _stripe_find_refund(self):
        """Stripe's refund carrying this attempt's reference in its metadata,
        or None: the refunds of the charge, every page
        (https://docs.stripe.com/api/refunds/list)."""
        self.ensure_one()
        url = self.acquirer_id._get_stripe_refund_url()
        params = {"charge": self.source_transaction_id.acquirer_reference, "limit": 100}
        while True:
            page = self._stripe_get(url, params)
            refunds = page.get("data") if page.get("object") == "list" else None
            if not isinstance(refunds, list):
                raise RefundProviderError(_("Stripe's list of refunds could not be read."), retryable=True)
            for refund in refunds:
                if (refund.get("metadata") or {}).get("odoo_reference") == self.reference:
                    return refund
            if not page.get("has_more") or not refunds:
                return None
            params["starting_after"] = refunds[-1]["id"]

    @api.multi
    def _stripe_prepare_refund_request(self, retried):
        """A retried attempt may have been refunded (no answer, a 500, a
        timeout): adopt Stripe's refund carrying our reference if there is
        one; otherwise send the same key while Stripe remembers it (under 24
        hours: a request still running cannot run twice), else a new one."""
        self.ensure_one()
        if not retried:
            return None
        found = self._stripe_find_refund()
        if found is not None:
            return found
        sent = self.refund_idempotency_key_date
        if sent and fields.Datetime.from_string(sent) <= datetime.utcnow() - STRIPE_KEY_LIFETIME:
            self.write(
                {
                    "refund_idempotency_key": self._get_next_refund_idempotency_key(),
                    "refund_idempotency_key_date": False,
                }
            )
        return None

    @api.multi
    def _stripe_fetch_refund_status(self):
        """A pending refund's status at Stripe (GET /v1/refunds/<id>):
        ``(status, message)``."""
        self.ensure_one()
        refund = self._stripe_get("%s/%s" % (self.acquirer_id._get_stripe_refund_url(), self.acquirer_reference))
        status = self._stripe_check_refund_object(refund)
        return status, self._stripe_failure_message(refund) if status == "failed" else False

    @api.model
    def _stripe_refund_error(self, status_code, error):
        """A Stripe error answer as a message for the shop staff
        (https://docs.stripe.com/api/errors, https://docs.stripe.com/error-codes)."""
        code, kind = error.get("code"), error.get("type")
        stripe_message = error.get("message") or _("HTTP status %s") % status_code
        # the outcome is unknown (or another request with the key is running): retried after a look-up
        retryable = (
            status_code in (409, 429)
            or status_code >= 500
            or kind in ("api_error", "rate_limit_error", "idempotency_error")
        )
        if kind == "authentication_error" or status_code == 401:
            text = _("Stripe refused the secret key: check the credentials of the acquirer.")
        elif status_code == 409:
            text = _("Stripe is still processing an earlier request of this refund attempt: retry it in a moment.")
        elif kind == "idempotency_error":
            text = _(
                "Stripe received this refund attempt before with other values: retry it (Stripe's refunds of the "
                "payment are checked first) or abandon it."
            )
        elif status_code == 429 or kind == "rate_limit_error":
            text = _("Stripe received too many requests: retry the refund in a moment.")
        elif retryable:
            text = _("Stripe had a temporary problem: retry the refund, Stripe never refunds the same attempt twice.")
        else:
            text = {
                "already_refunded": _("Stripe says this payment is already fully refunded."),
                "amount_too_large": _("The amount is larger than what is left to refund on this payment at Stripe."),
                "balance_insufficient": _(
                    "Your Stripe balance is too low to fund this refund: add funds in Stripe, then refund again."
                ),
                "resource_missing": _(
                    "Stripe does not know this payment: check that the acquirer uses the keys (test or live) "
                    "it was paid with."
                ),
                "charge_disputed": _("The customer disputed this payment: Stripe refunds it through the dispute."),
            }.get(STRIPE_ERROR_CODES.get(code), _("Stripe refused the refund."))
        return RefundProviderError(
            _("%(text)s (Stripe: %(message)s)") % {"text": text, "message": stripe_message}, retryable=retryable
        )
