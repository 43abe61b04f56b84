"""The demo acquirer's payment page: the customer "pays" on this server.

Odoo's checkout posts the acquirer's form (reference, amount, currency,
return URL and a signature of the three first) to ``/payment/soon_demo/pay``;
the page shows the amount and, when the acquirer lets the customer choose,
the outcome (paid, pending, declined). Its form posts to
``/payment/soon_demo/feedback`` (CSRF-protected), which hands the data to
Odoo's ``form_feedback`` like any acquirer's return, then goes back to the
shop. No network, no money.
"""

from odoo import http
from odoo.http import request
from werkzeug.exceptions import NotFound

FORM_KEYS = ("reference", "amount", "currency", "signature")


class SoonDemoPaymentController(http.Controller):
    def _demo_transaction(self, post):
        """The draft or pending demo transaction the signed form is about, else NotFound."""
        Tx = request.env["payment.transaction"].sudo()
        if any("\x00" in (post.get(key) or "") for key in FORM_KEYS):
            raise NotFound()  # PostgreSQL refuses NUL characters
        reference = post.get("reference") or ""
        tx = Tx.search([("reference", "=", reference), ("acquirer_id.provider", "=", "soon_demo")], limit=1)
        if not tx or not tx.acquirer_id._soon_demo_payments_enabled():
            raise NotFound()
        # signature, amount and currency, as the feedback checks them
        if tx._soon_demo_form_get_invalid_parameters(post):
            raise NotFound()
        return tx

    @staticmethod
    def _return_url(post):
        """Only a path of this site (no open redirect)."""
        url = post.get("return_url") or ""
        return url if url.startswith("/") and not url.startswith("//") else "/shop/payment/validate"

    # Odoo's payment form posts here without a CSRF token; the page changes nothing
    @http.route("/payment/soon_demo/pay", type="http", auth="public", methods=["GET", "POST"], website=True, csrf=False)
    def soon_demo_pay(self, **post):
        tx = self._demo_transaction(post)
        if tx.state not in ("draft", "pending"):
            return request.redirect(self._return_url(post))
        values = {key: post.get(key) for key in FORM_KEYS}
        values.update(
            {
                "tx": tx,
                "return_url": self._return_url(post),
                "ask_outcome": tx.acquirer_id.soon_demo_payment_outcome == "ask",
            }
        )
        return request.render("soon_payment_demo.soon_demo_pay_page", values)

    @http.route("/payment/soon_demo/feedback", type="http", auth="public", methods=["POST"], website=True)
    def soon_demo_feedback(self, **post):
        self._demo_transaction(post)
        request.env["payment.transaction"].sudo().form_feedback(post, "soon_demo")
        return request.redirect(self._return_url(post))
