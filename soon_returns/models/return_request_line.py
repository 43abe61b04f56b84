import base64

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_repr


class ReturnRequestLine(models.Model):
    _name = "return.request.line"
    _description = "Return Request Line"
    _order = "request_id, id"

    request_id = fields.Many2one(
        "return.request", string="Return Request", required=True, ondelete="cascade", index=True
    )
    state = fields.Selection(related="request_id.state", store=True, readonly=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, readonly=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", required=True, ondelete="restrict", index=True
    )
    product_id = fields.Many2one("product.product", related="sale_line_id.product_id", store=True, readonly=True)
    product_uom_id = fields.Many2one(
        "product.uom", related="sale_line_id.product_uom", readonly=True, string="Unit of Measure"
    )
    quantity = fields.Float(
        required=True,
        digits=dp.get_precision("Product Unit of Measure"),
        help="Quantity the customer asked to return, in the order line's unit.",
    )
    qty_received = fields.Float(
        string="Received",
        compute="_compute_qty_received",
        store=True,
        compute_sudo=True,  # the warehouse worker receiving the goods may not see the return
        digits=dp.get_precision("Product Unit of Measure"),
    )
    reason_id = fields.Many2one("return.reason", required=True, ondelete="restrict")
    comment = fields.Text(string="Customer Comment")
    move_ids = fields.One2many("stock.move", "return_request_line_id", string="Return Moves")
    photo_ids = fields.One2many(
        "ir.attachment", "res_id", string="Photos", domain=[("res_model", "=", "return.request.line")]
    )
    currency_id = fields.Many2one("res.currency", related="sale_line_id.currency_id", readonly=True)
    refund_value = fields.Monetary(
        string="Value Received",
        compute="_compute_refund_amounts",
        help="The received quantity at the order's price, after discount.",
    )
    restocking_fee = fields.Monetary(
        compute="_compute_refund_amounts",
        help="Kept from the refund: set on the return reason or on the product category.",
    )

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A returned quantity must be positive."),
    ]

    @api.constrains("quantity", "sale_line_id")
    def _check_quantity_delivered(self):
        """Never more in open returns than delivered (back office edits included)."""
        for sale_line in self.mapped("sale_line_id"):
            rounding = sale_line.product_uom.rounding
            if float_compare(sale_line.qty_return_reserved, sale_line.qty_delivered, precision_rounding=rounding) > 0:
                raise ValidationError(
                    _("%(product)s: %(asked)s asked to return in open requests, but only %(delivered)s delivered.")
                    % {
                        "product": sale_line.product_id.display_name,
                        "asked": sale_line.qty_return_reserved,
                        "delivered": sale_line.qty_delivered,
                    }
                )

    @api.multi
    def unlink(self):
        # salespeople may remove a line while the request is reviewed; once it
        # is approved the line carries the return transfer and the refund
        if any(line.request_id.state != "submitted" for line in self):
            raise UserError(_("Lines can only be removed from a return request that is still submitted."))
        return super().unlink()

    @api.depends("qty_received", "reason_id", "sale_line_id")
    def _compute_refund_amounts(self):
        for line in self:
            if line.sale_line_id:
                line.refund_value = line._get_refund_value()
                line.restocking_fee = line._get_restocking_fee()
            else:
                line.refund_value = line.restocking_fee = 0.0

    @api.depends("move_ids.state", "move_ids.product_qty")
    def _compute_qty_received(self):
        for line in self:
            qty = sum(move.product_qty for move in line.move_ids if move.state == "done")
            line.qty_received = line.product_id.uom_id._compute_quantity(qty, line.product_uom_id) if qty else 0.0

    @api.model
    def _prepare_portal_values(self, sale_line, quantity, reason, comment):
        """Values of a line created from the portal form (hook)."""
        return {
            "sale_line_id": sale_line.id,
            "quantity": quantity,
            "reason_id": reason.id if reason else False,
            "comment": comment or False,
        }

    @api.multi
    def _attach_photos(self, photos):
        """Store ``[(filename, bytes, mimetype)]`` as attachments of this line."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()
        for name, data, mimetype in photos:
            Attachment.create(
                {
                    "name": name,
                    "datas_fname": name,
                    "datas": base64.b64encode(data),
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )

    # ------------------------------------------------------------------
    # Refund: value and restocking fee of the received quantity
    # ------------------------------------------------------------------
    @api.multi
    def _get_refund_value(self):
        """The received quantity at the order's price after discount, in the
        order's currency (before taxes, or taxes included when the product's
        taxes are included in its price)."""
        self.ensure_one()
        sale_line = self.sale_line_id
        currency = sale_line.order_id.currency_id
        return currency.round(sale_line.price_unit * (1.0 - (sale_line.discount or 0.0) / 100.0) * self.qty_received)

    @api.multi
    def _get_restocking_fee_rule(self):
        """``(policy, value)``: the reason's fee, or else the product category's."""
        self.ensure_one()
        reason = self.reason_id
        if reason.restocking_fee_policy and reason.restocking_fee_policy != "category":
            return reason.restocking_fee_policy, reason.restocking_fee_value
        return self.product_id.categ_id._get_restocking_fee_rule()

    @api.multi
    def _get_restocking_fee(self, date=None):
        """The fee kept from this line's refund, in the order's currency.

        A percentage of the line's value, or a fixed amount per line converted
        from the company's currency at ``date``; rounded in the order's
        currency (no decimals for VND) and never above the line's value.
        """
        self.ensure_one()
        value = self._get_refund_value()
        policy, rate = self._get_restocking_fee_rule()
        order = self.sale_line_id.order_id
        currency = order.currency_id
        if policy == "percent":
            fee = value * rate / 100.0
        elif policy == "fixed":
            company_currency = order.company_id.currency_id.with_context(date=date or fields.Date.context_today(self))
            fee = company_currency.compute(rate, currency, round=False)
        else:
            fee = 0.0
        return currency.round(min(max(fee, 0.0), value))

    @api.multi
    def _prepare_refund_invoice_lines(self):
        """Credit note lines of this line: the received quantity, then its
        restocking fee as a negative line with the same account and taxes."""
        self.ensure_one()
        sale_line = self.sale_line_id
        values = sale_line._prepare_invoice_line(self.qty_received)
        if sale_line.product_id.invoice_policy == "delivery":
            # invoiced quantities follow the delivered ones, which the return lowered
            values["sale_line_ids"] = [(6, 0, sale_line.ids)]
        lines = [values]
        fee = self._get_restocking_fee()
        if fee:
            policy, rate = self._get_restocking_fee_rule()
            product = self.product_id.display_name
            if policy == "percent":
                name = _("Restocking fee (%(rate)s%%): %(product)s") % {
                    "rate": float_repr(rate, 2).rstrip("0").rstrip("."),
                    "product": product,
                }
            else:
                name = _("Restocking fee: %s") % product
            lines.append(
                {
                    "name": name,
                    "origin": values.get("origin"),
                    "account_id": values["account_id"],
                    "quantity": 1.0,
                    "price_unit": -fee,
                    "invoice_line_tax_ids": values["invoice_line_tax_ids"],
                    "account_analytic_id": values.get("account_analytic_id"),
                    "analytic_tag_ids": values.get("analytic_tag_ids"),
                }
            )
        return lines
