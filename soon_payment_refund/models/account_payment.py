from odoo import _, api, fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    refund_transaction_ids = fields.One2many(
        "payment.transaction", "refund_payment_id", string="Refund Transactions", readonly=True
    )

    @api.multi
    def post(self):
        """Posting the outgoing payment of a manual refund completes it."""
        result = super().post()
        refunds = (
            self.sudo()
            .mapped("refund_transaction_ids")
            .filtered(lambda tx: tx.refund_manual and tx.state == "refunding")
        )
        if refunds:
            refunds.write({"state": "refunded", "date_validate": fields.Datetime.now()})
            refunds._on_refund_done(self.env.user)
        return result

    def _do_payment(self):
        """A payment with a saved card charges it through the provider: Odoo
        creates and captures the transaction as the user, who may not write
        a captured transaction (refunds trust it). Once the user is checked
        to be allowed to write this payment, the provider does it as superuser."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        return super(AccountPayment, self.sudo())._do_payment()

    @api.multi
    def cancel(self):
        self._cancel_manual_refunds()
        return super().cancel()

    @api.multi
    def unlink(self):
        self._cancel_manual_refunds()
        return super().unlink()

    @api.multi
    def _cancel_manual_refunds(self):
        """A manual refund whose outgoing payment is dropped before it was
        registered no longer counts against what is left to refund."""
        refunds = (
            self.sudo()
            .mapped("refund_transaction_ids")
            .filtered(lambda tx: tx.refund_manual and tx.state == "refunding")
        )
        if refunds:
            refunds.write({"state": "cancel"})
            refunds._log_refund(
                _(
                    "Manual refund %(reference)s of %(amount)s cancelled by %(user)s: its outgoing payment was "
                    "dropped. The credit note %(credit_note)s stays open."
                ),
                self.env.user,
            )
