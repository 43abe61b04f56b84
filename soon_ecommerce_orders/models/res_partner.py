# -*- coding: utf-8 -*-
import hashlib
import hmac

import phonenumbers
from odoo import _, api, fields, models
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
            raise ValidationError(
                _(
                    "%s is not a valid phone number. Please enter it with its area code, "
                    "or in international format (+84 ...)."
                )
                % number
            )
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    # ---------------------------------------------------- abandoned-cart reminders
    cart_recovery_opt_out = fields.Boolean(
        "No Cart Reminders",
        copy=False,
        help="The customer unsubscribed from the abandoned-cart reminders (link in the email): "
        "they get no more of them. The general Opt-Out (mass mailing) also stops them.",
    )

    def _cart_recovery_unsubscribe_token(self):
        """Signed with the database secret: the link works without logging in and
        cannot be forged for another customer."""
        self.ensure_one()
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        message = "soon-cart-recovery-unsubscribe:%s:%d" % (self.env.cr.dbname, self.id)
        return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    def _cart_recovery_unsubscribe_url(self):
        """The reminder's unsubscribe link. Private: whoever holds it can
        unsubscribe this customer; the reminder template gets it through the
        cart (``sale.order.get_cart_recovery_unsubscribe_url``, which checks
        the caller may read that cart)."""
        self.ensure_one()
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return "%s/shop/cart/unsubscribe/%d/%s" % (base_url, self.id, self._cart_recovery_unsubscribe_token())

    def _cart_recovery_unsubscribe_token_ok(self, token):
        self.ensure_one()
        # bytes: a non-ASCII str token makes compare_digest raise TypeError
        return (
            bool(token)
            and isinstance(token, str)
            and hmac.compare_digest(self._cart_recovery_unsubscribe_token().encode(), token.encode())
        )

    def _cart_recovery_unsubscribe(self):
        self.ensure_one()
        partner = self.sudo()
        if not partner.cart_recovery_opt_out:
            partner.cart_recovery_opt_out = True
            partner.message_post(body=_("Unsubscribed from the abandoned-cart reminders (link in the email)."))
