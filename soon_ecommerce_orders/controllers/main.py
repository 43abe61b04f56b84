# -*- coding: utf-8 -*-
from odoo import _, http
from odoo.addons.website_sale.controllers.main import WebsiteSale
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from werkzeug.exceptions import NotFound
from werkzeug.urls import url_quote


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

    # ------------------------------------------------------ abandoned-cart emails
    @http.route()
    def cart(self, access_token=None, revive="", **post):
        """Odoo 11's link ``/shop/cart?access_token=...`` gives the cart to whoever
        opens it (``revive=squash``) or moves its lines into the visitor's cart
        and cancels it (``revive=merge``), and a logged-in visitor then becomes
        its customer: the token now goes through the same checks as the
        reminder's "Resume your order" link."""
        if access_token:
            order = request.env["sale.order"].sudo().search([("access_token", "=", access_token)], limit=1)
            if not order:
                raise NotFound()
            return self.cart_resume(order.id, access_token)
        return super().cart(access_token=None, revive=revive, **post)

    @http.route(["/shop/cart/resume/<int:order_id>/<string:access_token>"], type="http", auth="public",
                website=True)
    def cart_resume(self, order_id, access_token, **kw):
        """The reminder's "Resume your order" link: that cart, for that customer."""
        order = request.env["sale.order"].sudo().browse(order_id).exists()
        if not order or not order._cart_recovery_token_ok(access_token):
            raise NotFound()
        decision = order._cart_resume_decision(request.env.user)
        if decision == "restore":
            order._cart_resume()
            request.session["sale_order_id"] = order.id
            return request.redirect("/shop/cart")
        if decision == "login":
            return request.redirect("/web/login?redirect=%s" % url_quote(
                "/shop/cart/resume/%d/%s" % (order.id, access_token)))
        values = {"order": order, "decision": decision, "access_token": access_token}
        status = 403 if decision == "forbidden" else 200
        return request.render("soon_ecommerce_orders.cart_resume_refused", values, status=status)

    @http.route(["/shop/cart/unsubscribe/<int:partner_id>/<string:token>"], type="http", auth="public",
                website=True, methods=["GET", "POST"], csrf=False)
    def cart_reminders_unsubscribe(self, partner_id, token, **kw):
        """Stop the abandoned-cart reminders, without logging in.

        GET shows a confirmation button (link checkers and mail scanners open
        links); POST unsubscribes, from that button or from the mail client's
        one-click unsubscribe (RFC 8058 List-Unsubscribe-Post, which cannot send
        a CSRF token: the signed token is what authorises the request).
        """
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if not partner or not partner._cart_recovery_unsubscribe_token_ok(token):
            raise NotFound()
        done = request.httprequest.method == "POST"
        if done:
            partner._cart_recovery_unsubscribe()
        return request.render("soon_ecommerce_orders.cart_reminders_unsubscribe", {
            "partner": partner, "token": token, "done": done or partner.cart_recovery_opt_out})
