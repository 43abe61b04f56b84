from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.tools import float_compare

OPEN_RETURN_STATES = ("submitted", "approved")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    return_line_ids = fields.One2many("return.request.line", "sale_line_id", string="Return Request Lines")
    qty_return_reserved = fields.Float(
        string="Quantity in Open Returns",
        compute="_compute_qty_return_reserved",
        store=True,
        compute_sudo=True,  # follows returns the current user may not see
        digits=dp.get_precision("Product Unit of Measure"),
        help="Quantity customers asked to return in requests still submitted or "
        "approved, not received yet. Received quantities are already deducted "
        "from the delivered quantity.",
    )

    @api.depends("return_line_ids.quantity", "return_line_ids.qty_received", "return_line_ids.state")
    def _compute_qty_return_reserved(self):
        for line in self:
            line.qty_return_reserved = sum(
                max(rline.quantity - rline.qty_received, 0.0)
                for rline in line.return_line_ids
                if rline.state in OPEN_RETURN_STATES
            )

    @api.multi
    def _get_customer_moves(self):
        """Done moves that delivered this line to the customer (returns excluded)."""
        return self.mapped("move_ids").filtered(
            lambda m: (
                m.state == "done"
                and not m.scrapped
                and not m.origin_returned_move_id
                and m.location_dest_id.usage == "customer"
            )
        )

    @api.multi
    def _get_return_info(self, now=None):
        """What the customer may still return on each line, and why not.

        Returns ``{line id: dict}`` with ``line``, ``qty_delivered``,
        ``qty_returnable``, ``returnable``, ``refusal`` (message), ``date_delivered``,
        ``window_end`` and ``reasons`` (the reasons allowed for the product).
        Only lines with something delivered are listed.
        """
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        result = {}
        for line in self:
            moves = line._get_customer_moves()
            if not moves or not line.product_id:
                continue
            company = line.order_id.company_id
            policy = line.product_id._get_return_policy(company)
            date_delivered = fields.Datetime.from_string(max(moves.mapped("date")))
            window_end = date_delivered + timedelta(days=policy["window_days"])
            qty_returnable = max(line.qty_delivered - line.qty_return_reserved, 0.0)
            refusal = policy["refusal"]
            if not refusal and now > window_end:
                refusal = _("The return period for this item ended on %s.") % (
                    fields.Date.to_string(window_end.date()),
                )
            if not refusal and float_compare(qty_returnable, 0.0, precision_rounding=line.product_uom.rounding) <= 0:
                refusal = _("Everything delivered on this line is already returned or in a return request.")
            result[line.id] = {
                "line": line,
                "qty_delivered": line.qty_delivered,
                "qty_returnable": qty_returnable if not refusal else 0.0,
                "returnable": not refusal,
                "refusal": refusal,
                "date_delivered": date_delivered,
                "window_end": window_end,
                "reasons": policy["reasons"],
            }
        return result
