# -*- coding: utf-8 -*-
from odoo.addons.sale.controllers.portal import CustomerPortal
from odoo.http import request
from werkzeug.exceptions import NotFound

from .main import _TOKEN_RE, to_id


class SoonOrderPortal(CustomerPortal):
    """The customer's order page (whose template the add-on extends)."""

    def _order_check_access(self, order_id, access_token=None):
        """Odoo 11 reads a missing order (MissingError) and compares a
        non-ASCII token with consteq (TypeError): both ended in a 500. A
        missing order is 404; a malformed token is no token (the page then
        sends a visitor who may not read the order to /my, as a wrong one)."""
        order_id = to_id(order_id)
        if not order_id or not request.env["sale.order"].sudo().browse(order_id).exists():
            raise NotFound()
        if not (isinstance(access_token, str) and _TOKEN_RE.fullmatch(access_token)):
            access_token = None
        return super()._order_check_access(order_id, access_token=access_token)
