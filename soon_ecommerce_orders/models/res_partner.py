# -*- coding: utf-8 -*-
import phonenumbers

from odoo import _, api, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _phone_to_international(self, number, country=None):
        """``number`` in international format (+84 91 234 56 78).

        A number without its international prefix is read in ``country`` (the
        address's), by default in the company's country.  Raises ValidationError with a message meant
        for the customer when it is not a valid phone number.
        """
        number = (number or "").strip()
        if not number:
            return number
        region = (country or self.env.user.company_id.country_id or self.env.ref("base.main_company").country_id).code
        try:
            parsed = phonenumbers.parse(number, region or None)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise ValidationError(_("%s is not a valid phone number. Please enter it with its area code, "
                                    "or in international format (+84 ...).") % number)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
