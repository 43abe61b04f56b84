# -*- coding: utf-8 -*-
from odoo import http
from odoo.addons.sale.controllers.portal import CustomerPortal
from odoo.http import request
from werkzeug.exceptions import NotFound

from .main import _TOKEN_RE, to_id


class SoonOrderPortal(CustomerPortal):
    """The customer's order page (whose template the add-on extends) and its PDF.

    Odoo 11 reads a missing order (MissingError) and compares a non-ASCII
    token with consteq (TypeError): both ended in a 500. A missing order is
    404; a malformed token is no token (a visitor who may not read the order
    is then sent to /my, as with a wrong token).
    """

    @staticmethod
    def _order_page_args(order_id, access_token):
        order_id = to_id(order_id)
        if not order_id or not request.env["sale.order"].sudo().browse(order_id).exists():
            raise NotFound()
        if not (isinstance(access_token, str) and _TOKEN_RE.fullmatch(access_token)):
            access_token = None
        return order_id, access_token

    @http.route()
    def portal_order_page(self, order=None, access_token=None, **kw):
        order, access_token = self._order_page_args(order, access_token)
        return super().portal_order_page(order=order, access_token=access_token, **kw)

    @http.route()
    def portal_order_report(self, order_id, access_token=None, **kw):
        order_id, access_token = self._order_page_args(order_id, access_token)
        return super().portal_order_report(order_id, access_token=access_token, **kw)
