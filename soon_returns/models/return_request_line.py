import base64

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


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
        string="Quantity",
        required=True,
        digits=dp.get_precision("Product Unit of Measure"),
        help="Quantity the customer asked to return, in the order line's unit.",
    )
    qty_received = fields.Float(
        string="Received",
        compute="_compute_qty_received",
        store=True,
        digits=dp.get_precision("Product Unit of Measure"),
    )
    reason_id = fields.Many2one("return.reason", string="Reason", required=True, ondelete="restrict")
    comment = fields.Text(string="Customer Comment")
    move_ids = fields.One2many("stock.move", "return_request_line_id", string="Return Moves")
    photo_ids = fields.One2many(
        "ir.attachment", "res_id", string="Photos", domain=[("res_model", "=", "return.request.line")]
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
                    _("%s: %s asked to return in open requests, but only %s delivered.")
                    % (sale_line.product_id.display_name, sale_line.qty_return_reserved, sale_line.qty_delivered)
                )

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
