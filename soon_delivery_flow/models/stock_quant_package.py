# -*- coding: utf-8 -*-
from odoo import models


class StockQuantPackage(models.Model):
    _inherit = "stock.quant.package"

    def _shipping_delivery(self):
        """The delivery order to a customer this package leaves with (the
        latest one when a package was delivered, returned and sent again)."""
        self.ensure_one()
        lines = self.env["stock.move.line"].search(
            [
                "|",
                ("result_package_id", "=", self.id),
                ("package_id", "=", self.id),
                ("picking_id.location_dest_id.usage", "=", "customer"),
                ("picking_id.picking_type_id.code", "=", "outgoing"),
                ("picking_id.state", "!=", "cancel"),
            ],
            order="id desc",
        )
        for picking in lines.mapped("picking_id"):
            if picking._is_customer_delivery():
                return picking
        return self.env["stock.picking"]
