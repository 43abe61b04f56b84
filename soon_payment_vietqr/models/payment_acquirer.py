# -*- coding: utf-8 -*-
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import vietqr


class PaymentAcquirer(models.Model):
    _inherit = "payment.acquirer"

    vietqr_bank_id = fields.Many2one(
        "res.bank",
        "VietQR Bank",
        domain=[("napas_bin", "!=", False)],
        ondelete="restrict",
        help="The Vietnamese bank of the account that receives the transfers. "
        "Customers paying with this method see a VietQR code to scan in their banking app.",
    )
    vietqr_account_number = fields.Char(
        "VietQR Account Number", help="The account number at the bank, digits (and letters) only, at most 19."
    )
    vietqr_account_holder = fields.Char(
        "VietQR Account Holder", help="The account holder's name as the bank shows it (usually upper case)."
    )

    @api.constrains("vietqr_account_number", "vietqr_bank_id", "provider")
    def _check_vietqr_account(self):
        for acquirer in self:
            number = acquirer.vietqr_account_number
            if number and not re.fullmatch(r"[0-9A-Za-z]{1,19}", number):
                raise ValidationError(
                    _("A VietQR account number has 1 to 19 letters or digits, without spaces: %(number)s")
                    % {"number": number}
                )
            if (number or acquirer.vietqr_bank_id) and acquirer.provider != "transfer":
                raise ValidationError(_("VietQR codes are only for the Wire Transfer payment method."))

    def _vietqr_is_configured(self):
        """Whether this acquirer shows VietQR codes: a wire transfer with a bank
        (that has a NAPAS BIN) and an account number."""
        self.ensure_one()
        acquirer = self.sudo()
        return bool(
            acquirer.provider == "transfer" and acquirer.vietqr_bank_id.napas_bin and acquirer.vietqr_account_number
        )

    def _vietqr_payload(self, amount, reference):
        """The VietQR payload of a transfer of ``amount`` (whole dong) with
        ``reference`` as its message."""
        self.ensure_one()
        acquirer = self.sudo()
        return vietqr.build_payload(
            acquirer.vietqr_bank_id.napas_bin, acquirer.vietqr_account_number, amount=amount, purpose=reference
        )
