# -*- coding: utf-8 -*-
from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request
from odoo.tools import consteq
from werkzeug.exceptions import NotFound

from .. import vietqr


class VietQrController(http.Controller):
    @http.route("/shop/vietqr/<int:order_id>/qr.png", type="http", auth="public", methods=["GET"], website=True)
    def vietqr_image(self, order_id, access_token=None, **kwargs):
        """The VietQR code of an unpaid order, as a PNG image, for whoever may
        read the order: its access token (links in the customer's emails and
        pages), or the logged-in user's own access rights and rules."""
        order = request.env["sale.order"].sudo().browse(order_id).exists()
        if not order or not self._vietqr_may_read(order, access_token):
            raise NotFound()
        values = order._vietqr_display_values()
        if not values:
            raise NotFound()
        return request.make_response(
            vietqr.qr_png(values["payload"]),
            headers=[
                ("Content-Type", "image/png"),
                ("Cache-Control", "private, max-age=300"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )

    @staticmethod
    def _vietqr_may_read(order, access_token):
        # consteq (hmac.compare_digest) refuses non-ASCII text: such a token is simply wrong
        if isinstance(access_token, str) and access_token and access_token.isascii() and order.access_token:
            if consteq(order.access_token, access_token):
                return True
        as_user = order.sudo(request.uid)
        try:
            as_user.check_access_rights("read")
            as_user.check_access_rule("read")
        except AccessError:
            return False
        return True
