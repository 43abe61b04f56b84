# -*- coding: utf-8 -*-
import math
import re

from odoo import _, http
from odoo.addons.website_sale.controllers.main import WebsiteSale
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.urls import url_quote

from ..models.settings_keys import PARAM_TERMS_REQUIRED

#: ids are PostgreSQL integers: a larger number is an SQL error, not a missing record
MAX_ID = 2**31 - 1
_ID_RE = re.compile(r"[0-9]{1,10}", re.ASCII)
#: Odoo's access tokens (uuid4) and our signed tokens: ASCII letters, digits, dashes
_TOKEN_RE = re.compile(r"[A-Za-z0-9-]{1,128}", re.ASCII)
_QTY_RE = re.compile(r"\s*[-+]?[0-9]{1,15}(\.[0-9]{0,6})?\s*", re.ASCII)


def to_id(value):
    """A database id from request input (int, float or digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and _ID_RE.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


def to_quantity(value):
    """A finite quantity from request input (number or ASCII decimal), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not _QTY_RE.fullmatch(value):
            return None
        value = float(value)
    if isinstance(value, int) and abs(value) < 10**15:
        value = float(value)
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


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
            country_id = to_id(data.get("country_id"))
            country = (
                request.env["res.country"].browse(country_id) if country_id else request.website.company_id.country_id
            )
            try:
                data["phone"] = (
                    request.env["res.partner"].sudo()._phone_to_international(data["phone"], country.exists())
                )
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
        # the checkout script recognises the server's refusal by this message
        values["soon_terms_refusal"] = self._terms_refusal()
        if kwargs.get("terms_error"):
            values["errors"].append((_("Terms and conditions"), self._terms_refusal()))
        return values

    def _terms_refusal(self):
        return _("Please accept the terms and conditions to confirm your order.")

    @staticmethod
    def _terms_required():
        return bool(request.env["ir.config_parameter"].sudo().get_param(PARAM_TERMS_REQUIRED))

    @http.route(["/shop/terms/accept"], type="json", auth="public", website=True)
    def terms_accept(self, accepted=None, **kw):
        # only a real JSON true accepts ("false", 1, [] ... are not an acceptance)
        if accepted is not True and accepted is not False:
            raise UserError(_("Invalid request: please tick or untick the terms and conditions box again."))
        order = request.website.sale_get_order()
        if not order or order.state != "draft":
            raise UserError(_("Your cart is empty or already checked out."))
        if accepted:
            order._record_terms_acceptance(request.env.user, request.httprequest.remote_addr)
        else:
            order._reset_terms_acceptance()
        return {"accepted": bool(order.terms_accepted_date)}

    def _check_payment_allowed(self, order, acquirer=None):
        """Refuse, with a message for the customer, a payment the shop cannot accept."""
        if order._terms_acceptance_missing():
            raise UserError(self._terms_refusal())
        if acquirer is not None:
            available = request.env["payment.acquirer"].search(
                expression.AND([self._available_acquirers_domain(order), [("id", "=", acquirer.id)]])
            )
            if not available:
                raise UserError(_("This payment method is not available. Please choose another one."))

    @staticmethod
    def _available_acquirers_domain(order):
        # same availability rule as the payment page (website_sale._get_shop_payment_values)
        return expression.AND(
            [
                ["&", ("website_published", "=", True), ("company_id", "=", order.company_id.id)],
                ["|", ("specific_countries", "=", False), ("country_ids", "in", [order.partner_id.country_id.id])],
            ]
        )

    @http.route()
    def payment_transaction(
        self, acquirer_id=None, save_token=False, so_id=None, access_token=None, token=None, **kwargs
    ):
        acquirer_id = to_id(acquirer_id)
        if not acquirer_id:
            raise UserError(_("This payment method is not available. Please choose another one."))
        if so_id is not None and so_id is not False and so_id != "":
            so_id = to_id(so_id)
            if not so_id or not (
                not access_token or isinstance(access_token, str) and _TOKEN_RE.fullmatch(access_token)
            ):
                raise UserError(_("This order does not exist or is not yours."))
        else:
            so_id = None
        if token:
            token = to_id(token)
            if not token:
                raise UserError(_("This payment method is not available. Please choose another one."))
        order = self._payment_order(so_id, access_token)
        if so_id and not order:
            raise UserError(_("This order does not exist or is not yours."))
        if order:
            self._check_payment_allowed(order, request.env["payment.acquirer"].browse(acquirer_id))
            if token:
                self._check_payment_token(order, token, acquirer_id)
        return super().payment_transaction(
            acquirer_id, save_token=save_token, so_id=so_id, access_token=access_token, token=token, **kwargs
        )

    @staticmethod
    def _payment_order(so_id, access_token):
        """The order website_sale's payment_transaction pays (same lookup)."""
        Order = request.env["sale.order"]
        if so_id and access_token:
            return Order.sudo().search([("id", "=", so_id), ("access_token", "=", access_token)])
        if so_id:
            try:
                return Order.search([("id", "=", so_id)])
            except AccessError:
                return Order.browse()
        return request.website.sale_get_order()

    @staticmethod
    def _check_payment_token(order, token_id, acquirer_id=None):
        """A saved card can only pay the orders of its owner (Odoo 11 takes any token id)."""
        token = request.env["payment.token"].sudo().browse(token_id).exists()
        if (
            not token
            or token.partner_id.commercial_partner_id != order.partner_id.commercial_partner_id
            or (acquirer_id and token.acquirer_id.id != acquirer_id)
        ):
            raise UserError(_("This payment method is not available. Please choose another one."))
        return token

    @http.route()
    def payment_token(self, pm_id=None, **kwargs):
        order = request.website.sale_get_order()
        if not order:
            return request.redirect("/shop/?error=no_order")
        token_id = to_id(pm_id)
        if not token_id:
            return request.redirect("/shop/?error=invalid_token_id")
        try:
            self._check_payment_token(order, token_id)
        except UserError:
            return request.redirect("/shop/?error=token_not_found")
        if order._terms_acceptance_missing():
            return request.redirect("/shop/payment?terms_error=1")
        return super().payment_token(pm_id=token_id, **kwargs)

    @http.route()
    def payment_validate(self, transaction_id=None, sale_order_id=None, **post):
        if sale_order_id is not None:
            sale_order_id = to_id(sale_order_id)
            if not sale_order_id:
                raise BadRequest()
            # website_sale only confirms the visitor's last order (an assert, a 500 otherwise)
            if sale_order_id != request.session.get("sale_last_order_id"):
                raise NotFound()
            order = request.env["sale.order"].sudo().browse(sale_order_id)
        else:
            order = request.website.sale_get_order()
        if transaction_id is not None:
            transaction_id = to_id(transaction_id)
            if not transaction_id:
                raise BadRequest()
            tx = request.env["payment.transaction"].sudo().browse(transaction_id).exists()
            # only a transaction of the order being validated
            if not order or not tx or tx.sale_order_id != order:
                raise NotFound()
        if transaction_id is None and sale_order_id is None:
            tx = request.website.sale_get_transaction()
            # free orders are confirmed here without a transaction
            if order and not tx and order._terms_acceptance_missing():
                return request.redirect("/shop/payment?terms_error=1")
        return super().payment_validate(transaction_id=transaction_id, sale_order_id=sale_order_id, **post)

    # ------------------------------------------------------------------ cart
    def _cart_product_id(self, product_id, error):
        """The id of a product the website sells, or ``error`` raised."""
        product_id = to_id(product_id)
        product = request.env["product.product"].sudo().browse(product_id).exists() if product_id else None
        if not product or not product.sale_ok or not product.active or not product.website_published:
            raise error
        return product.id

    @http.route()
    def cart_update(self, product_id=None, add_qty=1, set_qty=0, **kw):
        product_id = self._cart_product_id(product_id, NotFound())
        add_qty, set_qty = to_quantity(add_qty if add_qty is not None else 1), to_quantity(set_qty or 0)
        if add_qty is None or set_qty is None:
            raise BadRequest(_("Please enter a valid quantity."))
        if any(not to_id(value) for key, value in kw.items() if "attribute" in key):
            raise BadRequest()
        return super().cart_update(product_id, add_qty=add_qty, set_qty=set_qty, **kw)

    @http.route()
    def cart_update_json(self, product_id=None, line_id=None, add_qty=None, set_qty=None, display=True):
        product_id = self._cart_product_id(product_id, UserError(_("This product is not available.")))
        if line_id is not None and line_id is not False:
            line_id = to_id(line_id)
            if not line_id:
                raise UserError(_("This cart line does not exist."))
        quantities = []
        for value in (add_qty, set_qty):
            quantity = to_quantity(value) if value is not None else None
            if value is not None and quantity is None:
                raise UserError(_("Please enter a valid quantity."))
            quantities.append(quantity)
        return super().cart_update_json(
            product_id=product_id, line_id=line_id, add_qty=quantities[0], set_qty=quantities[1], display=display
        )

    # ------------------------------------------------------ abandoned-cart emails
    @http.route()
    def cart(self, access_token=None, revive="", **post):
        """Odoo 11's link ``/shop/cart?access_token=...`` gives the cart to whoever
        opens it (``revive=squash``) or moves its lines into the visitor's cart
        and cancels it (``revive=merge``), and a logged-in visitor then becomes
        its customer: the token now goes through the same checks as the
        reminder's "Resume your order" link."""
        if access_token:
            if not isinstance(access_token, str) or not _TOKEN_RE.fullmatch(access_token):
                raise NotFound()
            order = request.env["sale.order"].sudo().search([("access_token", "=", access_token)], limit=1)
            if not order:
                raise NotFound()
            return self.cart_resume(order.id, access_token)
        return super().cart(access_token=None, revive=revive, **post)

    @http.route(["/shop/cart/resume/<int:order_id>/<string:access_token>"], type="http", auth="public", website=True)
    def cart_resume(self, order_id, access_token, **kw):
        """The reminder's "Resume your order" link: that cart, for that customer."""
        if not to_id(order_id):
            raise NotFound()
        order = request.env["sale.order"].sudo().browse(order_id).exists()
        if not order or not order._cart_recovery_token_ok(access_token):
            raise NotFound()
        decision = order._cart_resume_decision(request.env.user)
        if decision == "restore":
            order._cart_resume()
            request.session["sale_order_id"] = order.id
            return request.redirect("/shop/cart")
        if decision == "login":
            return request.redirect(
                "/web/login?redirect=%s" % url_quote("/shop/cart/resume/%d/%s" % (order.id, access_token))
            )
        values = {"order": order, "decision": decision, "access_token": access_token}
        status = 403 if decision == "forbidden" else 200
        return request.render("soon_ecommerce_orders.cart_resume_refused", values, status=status)

    @http.route(
        ["/shop/cart/unsubscribe/<int:partner_id>/<string:token>"],
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        csrf=False,
    )
    def cart_reminders_unsubscribe(self, partner_id, token, **kw):
        """Stop the abandoned-cart reminders, without logging in.

        GET shows a confirmation button (link checkers and mail scanners open
        links); POST unsubscribes, from that button or from the mail client's
        one-click unsubscribe (RFC 8058 List-Unsubscribe-Post, which cannot send
        a CSRF token: the signed token is what authorises the request).
        """
        if not to_id(partner_id):
            raise NotFound()
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if not partner or not partner._cart_recovery_unsubscribe_token_ok(token):
            raise NotFound()
        done = request.httprequest.method == "POST"
        if done:
            partner._cart_recovery_unsubscribe()
        return request.render(
            "soon_ecommerce_orders.cart_reminders_unsubscribe",
            {"partner": partner, "token": token, "done": done or partner.cart_recovery_opt_out},
        )
