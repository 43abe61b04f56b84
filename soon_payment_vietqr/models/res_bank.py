# -*- coding: utf-8 -*-
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResBank(models.Model):
    _inherit = "res.bank"

    napas_bin = fields.Char(
        "NAPAS BIN",
        size=6,
        index=True,
        help="The bank's 6-digit code in the NAPAS network (Bank Identification Number), "
        "as the State Bank of Vietnam lists it. VietQR codes name the bank by it.",
    )

    @api.constrains("napas_bin")
    def _check_napas_bin(self):
        for bank in self:
            if bank.napas_bin and not re.fullmatch(r"[0-9]{6}", bank.napas_bin):
                raise ValidationError(_("A NAPAS BIN has exactly 6 digits (%(bank)s).") % {"bank": bank.name})
