import base64
import io
import logging
import math
import re
import threading
import uuid
from collections import OrderedDict, defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero, float_repr, float_round
from PIL import Image

_logger = logging.getLogger(__name__)

# states in which a request is still being handled: each has a deadline (SLA)
SLA_STATES = ("submitted", "approved", "received")
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_PHOTOS_PER_LINE = 5
FORM_KEY_RE = re.compile(r"^(qty|reason|comment|photos)-(.+)$")
# ASCII digits only: str.isdigit() also accepts "²", which int() refuses
ID_RE = re.compile(r"^[0-9]{1,18}$")
# written only by the request's own steps (submit, approve, reject, cancel,
# reception, refund), never directly by a user: Odoo 11 lets anyone with write
# access send any value over RPC, and the views' readonly is no guard
WORKFLOW_FIELDS = frozenset(
    ["state", "credit_note_id", "reject_reason", "access_token", "is_late"]
    + ["date_%s" % state for state in ("submitted", "approved", "received", "refunded", "rejected", "cancelled")]
)
# set (per thread, so per request) while a step of the request writes them: a
# context key would not do, RPC callers choose their context
_workflow = threading.local()
QUANTITY_RE = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$")


class ReturnRequestError(UserError):
    """Refusal of a portal return form.

    ``errors`` maps a form field name (``qty-<sale line id>``, ``reason-...``,
    ``comment-...``, ``photos-...``, ``method`` or ``lines`` for the whole
    table) to the message shown next to it; ``kept_photos`` maps a field name to
    the ``(filename, base64)`` photos that were valid, so the form can keep them.
    """

    def __init__(self, errors, kept_photos=None):
        self.errors = errors
        self.kept_photos = kept_photos or {}
        super().__init__("\n".join(errors.values()))


class ReturnRequest(models.Model):
    _name = "return.request"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _description = "Return Request"
    _order = "date_submitted desc, id desc"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index=True)
    state = fields.Selection(
        [
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("received", "Received"),
            ("refunded", "Refunded"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default="submitted",
        track_visibility="onchange",
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        states={"submitted": [("readonly", False)]},
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        states={"submitted": [("readonly", False)]},
    )
    company_id = fields.Many2one(
        "res.company", string="Company", related="order_id.company_id", store=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        track_visibility="onchange",
        default=lambda self: self.env.user,
        index=True,
        domain=[("share", "=", False)],
    )
    line_ids = fields.One2many(
        "return.request.line",
        "request_id",
        string="Lines",
        copy=True,
        readonly=True,
        states={"submitted": [("readonly", False)]},
    )
    return_method = fields.Selection(
        [("dropoff", "Drop off at the shop"), ("pickup", "Pickup at my address")],
        required=True,
        default="dropoff",
        track_visibility="onchange",
        readonly=True,
        states={"submitted": [("readonly", False)], "approved": [("readonly", False)]},
    )
    picking_ids = fields.One2many("stock.picking", "return_request_id", string="Return Transfers", readonly=True)
    picking_count = fields.Integer(compute="_compute_picking_count", string="Transfers")
    reject_reason = fields.Text(string="Rejection Reason", readonly=True, copy=False, track_visibility="onchange")
    credit_note_id = fields.Many2one(
        "account.invoice", readonly=True, copy=False, help="Set when the request is refunded."
    )
    refund_transaction_ids = fields.One2many(
        "payment.transaction", "refund_return_request_id", string="Refunds", readonly=True
    )
    currency_id = fields.Many2one("res.currency", related="order_id.currency_id", readonly=True)
    amount_restocking_fee = fields.Monetary(
        string="Restocking Fees", compute="_compute_refund_amounts", help="Kept from the refund of the received lines."
    )
    amount_refund_value = fields.Monetary(
        string="Value Received", compute="_compute_refund_amounts", help="The received lines at the order's prices."
    )
    access_token = fields.Char("Security Token", copy=False, default=lambda self: str(uuid.uuid4()))
    date_submitted = fields.Datetime(
        string="Submitted on", required=True, readonly=True, copy=False, default=fields.Datetime.now
    )
    date_approved = fields.Datetime(string="Approved on", readonly=True, copy=False)
    date_received = fields.Datetime(string="Received on", readonly=True, copy=False)
    date_refunded = fields.Datetime(string="Refunded on", readonly=True, copy=False)
    date_rejected = fields.Datetime(string="Rejected on", readonly=True, copy=False)
    date_cancelled = fields.Datetime(string="Cancelled on", readonly=True, copy=False)
    date_deadline = fields.Datetime(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        index=True,
        help="When the current step (review, reception, refund) should be done.",
    )
    is_late = fields.Boolean(
        string="Late",
        readonly=True,
        copy=False,
        index=True,
        help="The deadline of the current step passed; an activity was scheduled for the responsible.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for request in self:
            request.picking_count = len(request.picking_ids)

    @api.depends(
        "state",
        "date_submitted",
        "date_approved",
        "date_received",
        "company_id.return_sla_submitted_hours",
        "company_id.return_sla_approved_hours",
        "company_id.return_sla_received_hours",
    )
    def _compute_date_deadline(self):
        for request in self:
            deadline = False
            if request.state in SLA_STATES:
                start = request["date_%s" % request.state]
                hours = request.company_id["return_sla_%s_hours" % request.state]
                if start and hours:
                    deadline = fields.Datetime.to_string(fields.Datetime.from_string(start) + timedelta(hours=hours))
            request.date_deadline = deadline

    @api.depends("line_ids.refund_value", "line_ids.restocking_fee")
    def _compute_refund_amounts(self):
        for request in self:
            request.amount_refund_value = sum(request.line_ids.mapped("refund_value"))
            request.amount_restocking_fee = sum(request.line_ids.mapped("restocking_fee"))

    @api.multi
    def _compute_portal_url(self):
        for request in self:
            request.portal_url = "/my/returns/%s" % request.id

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        self._check_workflow_fields(vals)
        if vals.get("name", "/") == "/":
            vals["name"] = self.env["ir.sequence"].next_by_code("return.request") or "/"
        if vals.get("order_id") and not vals.get("partner_id"):
            vals["partner_id"] = self.env["sale.order"].browse(vals["order_id"]).partner_id.id
        request = super(ReturnRequest, self.with_context(mail_create_nosubscribe=True)).create(vals)
        request.message_subscribe(partner_ids=request.partner_id.ids)
        return request

    @api.multi
    def write(self, vals):
        self._check_workflow_fields(vals)
        if vals.get("state"):
            # a new step starts: its own deadline, not late yet
            vals.setdefault("date_%s" % vals["state"], fields.Datetime.now())
            vals.setdefault("is_late", False)
        return super().write(vals)

    @api.model
    def _check_workflow_fields(self, vals):
        fields_set = WORKFLOW_FIELDS.intersection(vals)
        if fields_set and self.env.uid != SUPERUSER_ID and not getattr(_workflow, "depth", 0):
            raise AccessError(
                _(
                    "The status, dates, rejection reason, credit note and access token of a return request change only through its buttons (%s)."
                )
                % ", ".join(sorted(fields_set))
            )

    @api.multi
    def _write_step(self, vals):
        """``write`` for the request's own steps, allowed to set ``WORKFLOW_FIELDS``."""
        _workflow.depth = getattr(_workflow, "depth", 0) + 1
        try:
            return self.write(vals)
        finally:
            _workflow.depth -= 1

    @api.multi
    def unlink(self):
        if any(request.state not in ("cancelled", "rejected") for request in self):
            raise UserError(_("Only cancelled or rejected return requests can be deleted."))
        return super().unlink()

    # ------------------------------------------------------------------
    # Actions (buttons)
    # ------------------------------------------------------------------
    @api.multi
    def action_approve(self):
        for request in self:
            request._approve()
        return True

    @api.multi
    def action_reject(self):
        """Open the wizard that asks the customer-facing reason."""
        action = self.env.ref("soon_returns.return_request_reject_action").read()[0]
        action["context"] = {"active_ids": self.ids, "active_model": self._name}
        return action

    @api.multi
    def action_cancel(self):
        for request in self:
            request._cancel()
        return True

    @api.multi
    def action_view_pickings(self):
        self.ensure_one()
        action = self.env.ref("stock.action_picking_tree_all").read()[0]
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        if len(self.picking_ids) == 1:
            action["views"] = [(self.env.ref("stock.view_picking_form").id, "form")]
            action["res_id"] = self.picking_ids.id
        return action

    # ------------------------------------------------------------------
    # Portal submission
    # ------------------------------------------------------------------
    @api.model
    def _portal_submit(self, order, form, files=None):
        """Validate a portal return form and create the request, atomically.

        ``order`` is the sale order the visitor may access (checked by the
        controller); ``form`` the posted text fields (``method``, ``qty-<line
        id>``, ``reason-<line id>``, ``comment-<line id>``); ``files`` maps
        ``photos-<line id>`` to ``[(filename, bytes)]``.

        The order's lines are locked (``SELECT ... FOR UPDATE``) before the
        returnable quantities are read, and creating the request rewrites their
        stored ``qty_return_reserved``: a concurrent submission for the same
        order waits, then fails to serialise and is retried on fresh data, so
        two submissions never return more than was delivered.

        Raises ``ReturnRequestError`` (nothing created) when the input is refused.
        """
        order = order.sudo()
        self._lock_sale_lines(order.order_line)
        values, photos, errors, kept = self._portal_validate(order, form, files or {})
        if errors:
            raise ReturnRequestError(errors, kept)
        request = self.sudo().create(values)
        for rline in request.line_ids:
            rline._attach_photos(photos.get(rline.sale_line_id.id, []))
        request._notify_customer("soon_returns.mail_template_return_submitted")
        return request

    @api.model
    def _lock_sale_lines(self, sale_lines):
        if sale_lines:
            self.env.cr.execute(
                "SELECT id FROM sale_order_line WHERE id IN %s ORDER BY id FOR UPDATE", (tuple(sale_lines.ids),)
            )
            sale_lines.invalidate_cache(["qty_delivered", "qty_return_reserved"])

    @api.model
    def _portal_validate(self, order, form, files):
        """Check the form against the return policy.

        Returns ``(values for create, {sale line id: [(name, bytes, mimetype)]},
        errors, kept photos)``; ``errors`` is empty when the form is valid.
        """
        errors = OrderedDict()
        kept = {}
        infos = order._get_return_info()
        order_line_ids = set(order.order_line.ids)
        posted = set()
        for key in list(form) + list(files):
            match = FORM_KEY_RE.match(key)
            if match:
                posted.add(match.group(2))
        if any(not ID_RE.match(raw) or int(raw) not in order_line_ids for raw in posted):
            errors["lines"] = _("Your request contains an item that is not part of this order.")
        max_bytes = order.company_id._get_return_photo_max_bytes()
        line_commands, photos = [], {}
        for sale_line in order.order_line:
            lid = sale_line.id
            raw_qty = (form.get("qty-%d" % lid) or "").strip()
            if not raw_qty:
                continue
            qty_key = "qty-%d" % lid
            qty = self._parse_quantity(raw_qty)
            if qty is None:
                errors[qty_key] = _("Enter a number.")
                continue
            if float_is_zero(qty, precision_digits=6):
                continue
            if qty < 0:
                errors[qty_key] = _("Enter a quantity above zero.")
                continue
            info = infos.get(lid)
            if not info:
                errors[qty_key] = _("This item has not been delivered yet.")
                continue
            if not info["returnable"]:
                errors[qty_key] = info["refusal"]
                continue
            rounding = sale_line.product_uom.rounding
            if not self._is_whole_in_units(qty, sale_line.product_uom):
                errors[qty_key] = _("Enter a whole number: this item is returned by the unit.")
                continue
            if float_compare(float_round(qty, precision_rounding=rounding), qty, precision_digits=6):
                errors[qty_key] = _("This quantity cannot be split further than %s.") % (
                    float_repr(rounding, 6).rstrip("0").rstrip("."),
                )
                continue
            if float_compare(qty, info["qty_returnable"], precision_rounding=rounding) > 0:
                errors[qty_key] = _("You can return at most %s of this item.") % (
                    self._format_qty(info["qty_returnable"]),
                )
            reason = self._parse_reason(form.get("reason-%d" % lid))
            if not reason:
                errors["reason-%d" % lid] = _("Choose a reason.")
            elif reason not in info["reasons"]:
                errors["reason-%d" % lid] = _("This reason is not available for this item.")
                reason = False
            comment = (form.get("comment-%d" % lid) or "").strip()
            if reason and reason.requires_comment and not comment:
                errors["comment-%d" % lid] = _("This reason requires a comment: describe the problem.")
            photo_key = "photos-%d" % lid
            line_photos, photo_errors = self._check_photos(files.get(photo_key, []), max_bytes)
            if photo_errors:
                errors[photo_key] = " ".join(photo_errors)
            elif reason and reason.requires_photo and not line_photos:
                errors[photo_key] = _("This reason requires at least one photo.")
            if line_photos:
                kept[photo_key] = [(name, base64.b64encode(data).decode()) for name, data, _mime in line_photos]
            photos[lid] = line_photos
            line_commands.append(
                (0, 0, self.env["return.request.line"]._prepare_portal_values(sale_line, qty, reason, comment))
            )
        if not line_commands and not errors:
            errors["lines"] = _("Enter the quantity to return for at least one item.")
        method = form.get("method")
        if method not in dict(self._fields["return_method"].selection):
            errors["method"] = _("Choose how you will send the items back.")
        values = {
            "order_id": order.id,
            "partner_id": order.partner_id.id,
            "user_id": order.user_id.id or order.team_id.user_id.id or False,
            "return_method": method,
            "line_ids": line_commands,
        }
        return values, photos, errors, kept

    @api.model
    def _parse_quantity(self, raw):
        """The number typed by the customer (ASCII digits, a dot or a comma),
        or None."""
        raw = (raw or "").strip()
        if not QUANTITY_RE.match(raw):
            return None
        try:
            qty = float(raw.replace(",", "."))
        except ValueError:
            return None
        return qty if math.isfinite(qty) else None

    @api.model
    def _is_whole_in_units(self, qty, uom):
        """False when ``qty`` of ``uom`` is not a whole number of pieces.

        Odoo ships Unit(s) with a rounding of 0.001, which lets 0.5 of a lamp
        through; a unit of the "Unit" category counts pieces, so the quantity
        expressed in that category's reference unit must be whole (0.5 Dozen
        = 6 Units is fine). Other categories (weight, volume...) follow their
        own rounding only.
        """
        unit_category = self.env.ref("product.product_uom_categ_unit", raise_if_not_found=False)
        if not uom or uom.category_id != unit_category or not uom.factor:
            return True
        pieces = qty / uom.factor
        return not float_compare(pieces, round(pieces), precision_digits=6)

    @api.model
    def _parse_reason(self, raw):
        if not raw or not ID_RE.match(str(raw)):
            return self.env["return.reason"]
        return self.env["return.reason"].sudo().browse(int(raw)).exists()

    @api.model
    def _format_qty(self, qty):
        return float_repr(qty, 3).rstrip("0").rstrip(".")

    @api.model
    def _check_photos(self, uploads, max_bytes):
        """Keep the uploads that really are images within the size limit.

        The content is decoded with Pillow (the extension and the browser's
        content type are not trusted). Returns ``([(name, bytes, mimetype)],
        [error messages])``.
        """
        photos, errors = [], []
        uploads = [(name, data) for name, data in uploads if name or data]
        if len(uploads) > MAX_PHOTOS_PER_LINE:
            errors.append(_("Attach at most %d photos per item.") % MAX_PHOTOS_PER_LINE)
            return [], errors
        for name, data in uploads:
            name = (name or "").replace("\x00", "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:128] or "photo"
            if len(data) > max_bytes:
                errors.append(
                    _("“%(name)s” is larger than %(size)s MB.")
                    % {"name": name, "size": self._format_qty(max_bytes / 1024.0 / 1024.0)}
                )
                continue
            try:
                with Image.open(io.BytesIO(data)) as image:
                    image_format = image.format
                    image.verify()
            except Exception:  # noqa: BLE001 - any decoding failure means "not an image"
                image_format = None
            if image_format not in IMAGE_FORMATS:
                errors.append(_("“%s” is not an image (JPEG, PNG, GIF or WebP).") % name)
                continue
            photos.append((name, data, IMAGE_FORMATS[image_format]))
        return photos, errors

    # ------------------------------------------------------------------
    # Review: approve, reject, cancel
    # ------------------------------------------------------------------
    @api.multi
    def _lock(self):
        self.env.cr.execute("SELECT id FROM return_request WHERE id IN %s FOR UPDATE", (tuple(self.ids),))
        self.invalidate_cache(["state"])

    @api.multi
    def _approve(self):
        self.ensure_one()
        self._lock()
        if self.state != "submitted":
            raise UserError(_("Return %s is not waiting for approval.") % self.name)
        self._create_return_pickings()
        self._write_step({"state": "approved"})
        self._notify_customer("soon_returns.mail_template_return_approved")

    @api.multi
    def _reject(self, reason):
        self.ensure_one()
        self._lock()
        if self.state not in ("submitted", "approved"):
            raise UserError(_("Return %s can no longer be rejected.") % self.name)
        if not (reason or "").strip():
            raise UserError(_("Give the customer a reason for the rejection."))
        self._cancel_open_pickings()
        self._write_step({"state": "rejected", "reject_reason": reason.strip()})
        self._notify_customer("soon_returns.mail_template_return_rejected")

    @api.multi
    def _cancel(self):
        self.ensure_one()
        self._lock()
        if self.state not in ("submitted", "approved"):
            raise UserError(_("Return %s can no longer be cancelled.") % self.name)
        self._cancel_open_pickings()
        self._write_step({"state": "cancelled"})

    @api.multi
    def _cancel_open_pickings(self):
        pickings = self.mapped("picking_ids")
        if any(picking.state == "done" for picking in pickings):
            raise UserError(_("Goods of this return were already received."))
        pickings.filtered(lambda p: p.state != "cancel").action_cancel()

    # ------------------------------------------------------------------
    # Stock: the return transfer
    # ------------------------------------------------------------------
    @api.multi
    def _get_return_location(self, delivery):
        """Where the goods go back: the company's return location, else the source."""
        self.ensure_one()
        return self.company_id.return_location_id or delivery.location_id

    @api.multi
    def _allocate_return_moves(self):
        """Split each line's quantity over the deliveries that brought it.

        Newest delivery first, never more than a move still has unreturned.
        Returns ``{delivery picking: {move: (qty in product UoM, request line)}}``.
        """
        self.ensure_one()
        allocation = defaultdict(dict)
        for rline in self.line_ids:
            sale_line = rline.sale_line_id
            product_uom = rline.product_id.uom_id
            remaining = sale_line.product_uom._compute_quantity(rline.quantity, product_uom)
            for move in sale_line._get_customer_moves().sorted("date", reverse=True):
                returned = sum(move.returned_move_ids.filtered(lambda m: m.state != "cancel").mapped("product_qty"))
                take = min(move.product_qty - returned, remaining)
                if float_compare(take, 0.0, precision_rounding=product_uom.rounding) > 0:
                    allocation[move.picking_id][move] = (take, rline)
                    remaining -= take
                if float_is_zero(remaining, precision_rounding=product_uom.rounding):
                    break
            if float_compare(remaining, 0.0, precision_rounding=product_uom.rounding) > 0:
                raise UserError(
                    _("%(product)s: only %(quantity)s can still be returned from its deliveries.")
                    % {
                        "product": rline.product_id.display_name,
                        "quantity": self._format_qty(rline.quantity - remaining),
                    }
                )
        return allocation

    @api.multi
    def _prepare_return_wizard_values(self, delivery):
        return {"location_id": self._get_return_location(delivery).id}

    @api.multi
    def _create_return_pickings(self):
        """Create the return transfers with Odoo's return wizard (``to_refund``)."""
        self.ensure_one()
        Wizard = self.env["stock.return.picking"]
        for delivery, moves in self._allocate_return_moves().items():
            wizard = Wizard.with_context(active_id=delivery.id, active_ids=delivery.ids).create(
                self._prepare_return_wizard_values(delivery)
            )
            for wline in wizard.product_return_moves:
                qty, _rline = moves.get(wline.move_id, (0.0, None))
                wline.write({"quantity": qty, "to_refund": bool(qty)})
            picking_id, _type_id = wizard._create_returns()
            picking = self.env["stock.picking"].browse(picking_id)
            picking.write({"return_request_id": self.id})
            for move in picking.move_lines:
                rline = moves[move.origin_returned_move_id][1]
                move.write({"return_request_line_id": rline.id})
        return self.picking_ids

    @api.multi
    def _on_return_moves_done(self):
        """Called when return moves are validated: received once all transfers are."""
        for request in self.filtered(lambda r: r.state == "approved"):
            pickings = request.picking_ids
            if all(p.state in ("done", "cancel") for p in pickings) and any(p.state == "done" for p in pickings):
                request._write_step({"state": "received"})
                request._notify_customer("soon_returns.mail_template_return_received")

    # ------------------------------------------------------------------
    # Refund (payment.transaction._refund does the refund itself)
    # ------------------------------------------------------------------
    @api.multi
    def action_refund(self):
        """Open the refund wizard: the received lines minus restocking fees."""
        self.ensure_one()
        self.env["payment.transaction"]._check_refund_access()
        if self.state != "received":
            raise UserError(_("Return %s must be received before it is refunded.") % self.name)
        return self.order_id._action_open_refund_wizard(return_request=self)

    @api.multi
    def _check_refund_allowed(self, payment):
        """Under the request's lock: received, paid by ``payment``, not refunded yet."""
        self.ensure_one()
        self._lock()
        if self.state != "received":
            raise UserError(_("Return %s must be received before it is refunded.") % self.name)
        if payment.sale_order_id != self.order_id:
            raise UserError(
                _("Payment %(payment)s is not a payment of order %(order)s.")
                % {"payment": payment.reference, "order": self.order_id.name}
            )
        if self.refund_transaction_ids.filtered(lambda tx: tx.state in ("draft", "refunding", "refunded")):
            raise UserError(_("Return %s is already refunded or being refunded.") % self.name)
        if not self._get_refundable_lines():
            raise UserError(_("Nothing of return %s was received: there is nothing to refund.") % self.name)

    @api.multi
    def _prepare_refund_invoice_lines(self):
        """Credit note lines: each received line, then its restocking fee."""
        self.ensure_one()
        lines = []
        for rline in self._get_refundable_lines():
            lines.extend(rline._prepare_refund_invoice_lines())
        return lines

    @api.multi
    def _get_refundable_lines(self):
        """Lines whose goods were received and can be refunded."""
        self.ensure_one()
        if self.state != "received":
            return self.env["return.request.line"]
        return self.line_ids.filtered(
            lambda rline: float_compare(rline.qty_received, 0.0, precision_rounding=rline.product_uom_id.rounding) > 0
        )

    @api.multi
    def _set_refunded(self, credit_note=None):
        """Move received requests to 'refunded' and remember the credit note."""
        for request in self:
            request._lock()
            if request.state != "received":
                raise UserError(_("Return %s must be received before it is refunded.") % request.name)
            request._write_step({"state": "refunded", "credit_note_id": credit_note.id if credit_note else False})
        return True

    # ------------------------------------------------------------------
    # Deadlines (SLA)
    # ------------------------------------------------------------------
    @api.model
    def _cron_check_deadlines(self):
        """Mark late requests and schedule an activity for their responsible.

        Safe to run again and on several workers: only requests not marked yet
        are selected, and each one is claimed by an atomic UPDATE before its
        activity is created; one failure does not stop the batch.
        """
        late = self.search(
            [("state", "in", SLA_STATES), ("is_late", "=", False), ("date_deadline", "<", fields.Datetime.now())]
        )
        for request in late:
            try:
                with self.env.cr.savepoint():
                    request._mark_late()
            except Exception:  # noqa: BLE001 - log and go on with the next one
                _logger.exception("Could not mark return request %s as late", request.name)
        return True

    @api.multi
    def _mark_late(self):
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE return_request SET is_late = TRUE WHERE id = %s AND is_late IS NOT TRUE RETURNING id", (self.id,)
        )
        if not self.env.cr.fetchone():
            return False
        self.invalidate_cache(["is_late"])
        state_label = dict(self._fields["state"]._description_selection(self.env))[self.state]
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": self.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": (self.user_id or self.order_id.user_id or self.env.user).id,
                "date_deadline": fields.Date.context_today(self),
                "summary": _("Late return %(reference)s (%(step)s)") % {"reference": self.name, "step": state_label},
                "note": _("The deadline of this step was %s.") % self.date_deadline,
            }
        )
        return True

    # ------------------------------------------------------------------
    # Customer communication and portal helpers
    # ------------------------------------------------------------------
    @api.multi
    def _notify_customer(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for request in self:
            request.sudo().message_post_with_template(
                template.id, composition_mode="comment", subtype_id=self.env.ref("mail.mt_comment").id
            )

    @api.multi
    def get_portal_link(self):
        self.ensure_one()
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return "%s/my/returns/%s?access_token=%s" % (base_url, self.id, self.access_token)

    @api.multi
    def _get_state_history(self):
        """``[(datetime string, state label)]`` of the steps reached, oldest first."""
        self.ensure_one()
        selection = self._fields["state"]._description_selection(self.env)
        steps = [
            (self["date_%s" % state], position, label)
            for position, (state, label) in enumerate(selection)
            if self["date_%s" % state]
        ]
        return [(date, label) for date, _position, label in sorted(steps)]

    @api.multi
    def _get_portal_history(self):
        """The state history for the customer: dates in their time zone and language."""
        self.ensure_one()
        tz = self.env.context.get("tz") or self.partner_id.tz or "UTC"
        lang = self.env["res.lang"]._lang_get(self.env.context.get("lang") or "en_US")
        pattern = "%s %s" % (lang.date_format or "%m/%d/%Y", lang.time_format or "%H:%M:%S")
        record = self.with_context(tz=tz)
        return [
            (fields.Datetime.context_timestamp(record, fields.Datetime.from_string(date)).strftime(pattern), label)
            for date, label in self._get_state_history()
        ]

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _demo_populate(self):
        """Demo databases only: demo/return_demo.xml calls this once. The
        builder lives in demo/return_demo.py, imported here, so that a
        production database never loads it."""
        from ..demo import return_demo

        return return_demo.populate(self.env)
