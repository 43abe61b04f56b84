# -*- coding: utf-8 -*-
from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.website_sale.controllers.main import WebsiteSale


class SoonWebsiteSale(WebsiteSale):
    """Checkout hooks: phone numbers, payment method checks, terms acceptance.

    Thin on purpose: the rules live in the models (res.partner,
    sale.order, website); routes only parse input and report errors.
    """

    # ------------------------------------------------------------ address form
    def checkout_form_validate(self, mode, all_form_values, data):
        error, error_message = super().checkout_form_validate(mode, all_form_values, data)
        if data.get("phone"):
            # a number typed without its prefix is read in the address's country,
            # by default in the shop company's country
            country = request.env["res.country"].browse(int(data["country_id"])) if data.get("country_id") \
                else request.website.company_id.country_id
            try:
                data["phone"] = request.env["res.partner"].sudo()._phone_to_international(
                    data["phone"], country.exists())
            except ValidationError as exc:
                error["phone"] = "error"
                error_message.append(exc.name)
        return error, error_message

    def values_postprocess(self, order, mode, values, errors, error_msg):
        new_values, errors, error_msg = super().values_postprocess(order, mode, values, errors, error_msg)
        # the website salesperson given to new customers must be a real, active salesperson
        website = request.website
        assignment = website._sale_assignment_values(request.env["res.partner"])
        new_values["user_id"] = assignment["user_id"] or False
        return new_values, errors, error_msg

    # ---------------------------------------------------------------- payment
    def _get_shop_payment_values(self, order, **kwargs):
        values = super()._get_shop_payment_values(order, **kwargs)
        values["soon_terms_required"] = self._terms_required()
        values["soon_terms_accepted"] = bool(order.terms_accepted_date)
        if kwargs.get("terms_error"):
            values["errors"].append((_("Terms and conditions"),
                                     _("Please accept the terms and conditions to confirm your order.")))
        return values

    @staticmethod
    def _terms_required():
        return bool(request.env["ir.config_parameter"].sudo().get_param("soon_ecommerce_orders.terms_required"))

    @http.route(["/shop/terms/accept"], type="json", auth="public", website=True)
    def terms_accept(self, accepted=True, **kw):
        order = request.website.sale_get_order()
        if not order or order.state != "draft":
            raise UserError(_("Your cart is empty or already checked out."))
        if accepted:
            order._record_terms_acceptance(request.env.user, request.httprequest.remote_addr)
        else:
            order.sudo().write({"terms_accepted_date": False, "terms_accepted_user_id": False,
                                "terms_accepted_partner_id": False, "terms_accepted_ip": False,
                                "terms_hash": False})
        return {"accepted": bool(order.terms_accepted_date)}

    def _check_payment_allowed(self, order, acquirer=None):
        """Refuse, with a message for the customer, a payment the shop cannot accept."""
        if order._terms_acceptance_missing():
            raise UserError(_("Please accept the terms and conditions to confirm your order."))
        if acquirer is not None:
            available = request.env["payment.acquirer"].search(expression.AND([
                self._available_acquirers_domain(order), [("id", "=", acquirer.id)]]))
            if not available:
                raise UserError(_("This payment method is not available. Please choose another one."))

    @staticmethod
    def _available_acquirers_domain(order):
        # same availability rule as the payment page (website_sale._get_shop_payment_values)
        return expression.AND([
            ["&", ("website_published", "=", True), ("company_id", "=", order.company_id.id)],
            ["|", ("specific_countries", "=", False), ("country_ids", "in", [order.partner_id.country_id.id])],
        ])

    @http.route()
    def payment_transaction(self, acquirer_id, save_token=False, so_id=None, access_token=None, token=None,
                            **kwargs):
        try:
            acquirer_id = int(acquirer_id)
        except (TypeError, ValueError):
            raise UserError(_("This payment method is not available. Please choose another one."))
        if so_id:
            order = request.env["sale.order"].sudo().browse(int(so_id)).exists()
        else:
            order = request.website.sale_get_order()
        if order:
            self._check_payment_allowed(order, request.env["payment.acquirer"].browse(acquirer_id))
        return super().payment_transaction(acquirer_id, save_token=save_token, so_id=so_id,
                                           access_token=access_token, token=token, **kwargs)

    @http.route()
    def payment_token(self, pm_id=None, **kwargs):
        order = request.website.sale_get_order()
        if order and order._terms_acceptance_missing():
            return request.redirect("/shop/payment?terms_error=1")
        return super().payment_token(pm_id=pm_id, **kwargs)

    @http.route()
    def payment_validate(self, transaction_id=None, sale_order_id=None, **post):
        if transaction_id is None and sale_order_id is None:
            order = request.website.sale_get_order()
            tx = request.website.sale_get_transaction()
            # free orders are confirmed here without a transaction
            if order and not tx and order._terms_acceptance_missing():
                return request.redirect("/shop/payment?terms_error=1")
        return super().payment_validate(transaction_id=transaction_id, sale_order_id=sale_order_id, **post)
