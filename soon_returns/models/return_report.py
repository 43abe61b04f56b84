from odoo import api, fields, models, tools


class ReturnReport(models.Model):
    """Delivered and returned quantities side by side, for return rates.

    One row per delivery move (delivered quantity) and one per return request
    line (requested and returned quantities), all in the product's unit, so a
    pivot grouped by product, category, reason or month shows the return rate
    (returned / delivered) of each group.
    """

    _name = "return.report"
    _description = "Returns Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    reason_id = fields.Many2one("return.reason", readonly=True)
    request_id = fields.Many2one("return.request", string="Return Request", readonly=True)
    state = fields.Selection(
        [
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("received", "Received"),
            ("refunded", "Refunded"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        string="Return Status",
        readonly=True,
    )
    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    qty_delivered = fields.Float(string="Delivered Qty", readonly=True)
    qty_requested = fields.Float(string="Requested Qty", readonly=True)
    qty_returned = fields.Float(string="Returned Qty", readonly=True)
    return_rate = fields.Float(
        string="Return Rate (%)",
        readonly=True,
        group_operator="avg",
        help="Returned quantity / delivered quantity of the group, in percent.",
    )

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW return_report AS (
                SELECT m.id * 2 AS id,
                       m.date AS date,
                       m.product_id AS product_id,
                       pt.categ_id AS categ_id,
                       NULL::integer AS reason_id,
                       NULL::integer AS request_id,
                       NULL::varchar AS state,
                       sol.order_id AS order_id,
                       so.partner_id AS partner_id,
                       so.company_id AS company_id,
                       m.product_qty AS qty_delivered,
                       0.0 AS qty_requested,
                       0.0 AS qty_returned,
                       0.0 AS return_rate
                  FROM stock_move m
                  JOIN sale_order_line sol ON sol.id = m.sale_line_id
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN stock_location dest ON dest.id = m.location_dest_id
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE m.state = 'done' AND dest.usage = 'customer'
                   AND m.origin_returned_move_id IS NULL
                UNION ALL
                SELECT rl.id * 2 + 1 AS id,
                       r.date_submitted AS date,
                       rl.product_id AS product_id,
                       pt.categ_id AS categ_id,
                       rl.reason_id AS reason_id,
                       r.id AS request_id,
                       r.state AS state,
                       r.order_id AS order_id,
                       r.partner_id AS partner_id,
                       r.company_id AS company_id,
                       0.0 AS qty_delivered,
                       rl.quantity / line_uom.factor * product_uom.factor AS qty_requested,
                       COALESCE(rl.qty_received, 0.0) / line_uom.factor * product_uom.factor
                           AS qty_returned,
                       0.0 AS return_rate
                  FROM return_request_line rl
                  JOIN return_request r ON r.id = rl.request_id
                  JOIN sale_order_line sol ON sol.id = rl.sale_line_id
                  JOIN product_uom line_uom ON line_uom.id = sol.product_uom
                  JOIN product_product pp ON pp.id = rl.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_uom product_uom ON product_uom.id = pt.uom_id
            )""")

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """The rate of a group is the ratio of its sums, not a sum of ratios."""
        if "return_rate" in fields:
            fields = [f for f in fields if f != "return_rate"]
            for needed in ("qty_delivered", "qty_returned"):
                if needed not in fields:
                    fields.append(needed)
            rate_requested = True
        else:
            rate_requested = False
        groups = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        if rate_requested:
            for group in groups:
                delivered = group.get("qty_delivered") or 0.0
                group["return_rate"] = 100.0 * (group.get("qty_returned") or 0.0) / delivered if delivered else 0.0
        return groups
