import base64
import binascii
import re

from odoo import _, http
from odoo.addons.portal.controllers.portal import get_records_pager
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import consteq
from werkzeug.exceptions import NotFound

from ..models.return_request import MAX_PHOTOS_PER_LINE, ReturnRequestError

KEPT_PREFIX = "kept-"
# room for the text fields of the form on top of the photos (bytes)
FORM_TEXT_ALLOWANCE = 1024 * 1024


def _token_matches(expected, given):
    """``consteq`` that says no (instead of raising TypeError) to a token that
    is not plain ASCII text, such as ``é``."""
    if not expected or not isinstance(given, str):
        return False
    try:
        return consteq(expected, given)
    except (TypeError, ValueError):
        return False


class ReturnPortal(CustomerPortal):
    """Customer portal: the return form of an order, the list and page of returns.

    Thin on purpose: access checks and input extraction here, the policy and
    the creation in ``return.request._portal_submit``.
    """

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["return_count"] = request.env["return.request"].search_count(self._return_domain())
        return values

    def _layout_values(self):
        """Layout values of a logged-in customer; none for a token visitor."""
        if request.env.user._is_public():
            return {}
        return self._prepare_portal_layout_values()

    def _return_domain(self):
        partner = request.env.user.partner_id
        return [("message_partner_ids", "child_of", [partner.commercial_partner_id.id])]

    def _return_check_access(self, request_id, access_token=None):
        """The return request as sudo if the visitor may see it, else NotFound."""
        record = request.env["return.request"].browse(request_id)
        record_sudo = record.sudo().exists()
        if not record_sudo:
            raise NotFound()
        try:
            record.check_access_rights("read")
            record.check_access_rule("read")
        except AccessError:
            if not _token_matches(record_sudo.access_token, access_token):
                raise NotFound()
        return record_sudo

    def _return_order_check_access(self, order_id, access_token=None):
        """The order as sudo if the visitor may see it, else NotFound (a
        missing order, or a token that is wrong or not even ASCII)."""
        order = request.env["sale.order"].browse(order_id)
        order_sudo = order.sudo().exists()
        if not order_sudo:
            raise NotFound()
        try:
            order.check_access_rights("read")
            order.check_access_rule("read")
        except (AccessError, MissingError):
            if not _token_matches(order_sudo.access_token, access_token):
                raise NotFound()
        return order_sudo

    # ------------------------------------------------------------------
    # The return form of an order
    # ------------------------------------------------------------------
    @http.route(["/my/orders/<int:order_id>/return"], type="http", auth="public", methods=["GET", "POST"], website=True)
    def portal_order_return(self, order_id, access_token=None, **post):
        order = self._return_order_check_access(order_id, access_token)
        if order.state not in ("sale", "done"):
            raise NotFound()
        if request.httprequest.method != "POST":
            return self._render_return_form(order, access_token)
        form = {
            key: value.replace("\x00", "")
            for key, value in request.httprequest.form.items()
            if not key.startswith(KEPT_PREFIX) and key not in ("csrf_token", "access_token")
        }
        max_request = self._max_request_bytes(order)
        if (request.httprequest.content_length or 0) > max_request:
            response = self._render_return_form(
                order,
                access_token,
                form=form,
                errors={
                    "lines": _("Your photos are too large: send at most %s MB in all.")
                    % request.env["return.request"]._format_qty(max_request / 1024.0 / 1024.0)
                },
            )
            response.status_code = 413
            return response
        files = self._read_uploads(order)
        try:
            return_request = request.env["return.request"]._portal_submit(order, form, files)
        except ReturnRequestError as refusal:
            return self._render_return_form(
                order, access_token, form=form, errors=refusal.errors, kept_photos=refusal.kept_photos
            )
        url = "/my/returns/%s" % return_request.id
        if access_token:
            url += "?access_token=%s" % return_request.access_token
        return request.redirect(url, code=303)

    def _max_request_bytes(self, order):
        """The largest form this order's return page accepts: every line with
        the most photos at the largest size, and room for the text."""
        photo_bytes = order.company_id._get_return_photo_max_bytes()
        return len(order.order_line) * MAX_PHOTOS_PER_LINE * photo_bytes + FORM_TEXT_ALLOWANCE

    def _read_uploads(self, order):
        """``{field: [(filename, bytes)]}`` from the uploads and the photos kept
        from a refused submission.

        A file is never read beyond the size limit + 1 byte (enough to refuse
        it), and a field with more files than allowed is not read at all (its
        files are listed empty, for the count check to refuse them). Streams are
        rewound first: Odoo calls the route again after a serialization
        failure, and the second call must see the same photos.
        """
        limit = order.company_id._get_return_photo_max_bytes() + 1
        files = {}
        httprequest = request.httprequest
        for key in httprequest.files:
            uploads = [upload for upload in httprequest.files.getlist(key) if upload.filename]
            too_many = len(uploads) > MAX_PHOTOS_PER_LINE
            for upload in uploads:
                content = b""
                if not too_many:
                    upload.stream.seek(0)
                    content = upload.stream.read(limit)
                files.setdefault(key, []).append((upload.filename, content))
        for key in httprequest.form:
            if key.startswith(KEPT_PREFIX):
                values = httprequest.form.getlist(key)
                if len(values) > MAX_PHOTOS_PER_LINE:
                    # refused by the count check without decoding anything
                    values = [value.partition(":")[0] + ":" for value in values]
                for value in values:
                    name, _sep, data = value.partition(":")
                    try:
                        content = base64.b64decode(data, validate=True)[:limit]
                    except (binascii.Error, ValueError):
                        content = b""
                    files.setdefault(key[len(KEPT_PREFIX) :], []).append((name, content))
        return files

    def _render_return_form(self, order, access_token, form=None, errors=None, kept_photos=None):
        infos = order._get_return_info()
        values = self._layout_values()
        values.update(
            {
                "order": order,
                "sales_order": order,
                "return_infos": [infos[line.id] for line in order.order_line if line.id in infos],
                "form": form or {},
                "errors": errors or {},
                "kept_photos": kept_photos or {},
                "access_token": access_token,
                "no_breadcrumbs": bool(access_token) and request.env.user._is_public(),
                "return_methods": request.env["return.request"]
                ._fields["return_method"]
                ._description_selection(request.env),
                "max_photo_mb": order.company_id.return_photo_max_mb,
                "page_name": "return_form",
            }
        )
        return request.render("soon_returns.portal_return_form", values)

    # ------------------------------------------------------------------
    # The customer's returns
    # ------------------------------------------------------------------
    @http.route(["/my/returns", "/my/returns/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_returns(self, page=1, sortby=None, **kw):
        values = self._prepare_portal_layout_values()
        ReturnRequest = request.env["return.request"]
        domain = self._return_domain()
        searchbar_sortings = {
            "date": {"label": _("Newest"), "order": "date_submitted desc, id desc"},
            "name": {"label": _("Reference"), "order": "name desc"},
            "state": {"label": _("Status"), "order": "state, date_submitted desc"},
        }
        sortby = sortby if sortby in searchbar_sortings else "date"
        # Odoo's pager does int(page) when str(page).isdigit(): "²" passes that test
        page = int(page) if isinstance(page, int) or re.match(r"^[0-9]{1,9}$", str(page)) else 1
        pager = portal_pager(
            url="/my/returns",
            url_args={"sortby": sortby},
            total=ReturnRequest.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        returns = ReturnRequest.search(
            domain, order=searchbar_sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_returns_history"] = returns.ids[:100]
        values.update(
            {
                "returns": returns.sudo(),
                "page_name": "return",
                "pager": pager,
                "default_url": "/my/returns",
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
            }
        )
        return request.render("soon_returns.portal_my_returns", values)

    @http.route(["/my/returns/<int:request_id>"], type="http", auth="public", website=True)
    def portal_return_page(self, request_id, access_token=None, **kw):
        return_request = self._return_check_access(request_id, access_token)
        values = self._layout_values()
        values.update(
            {
                "return_request": return_request,
                "access_token": access_token,
                "no_breadcrumbs": bool(access_token) and request.env.user._is_public(),
                "page_name": "return",
            }
        )
        values.update(get_records_pager(request.session.get("my_returns_history", []), return_request))
        return request.render("soon_returns.portal_return_page", values)
