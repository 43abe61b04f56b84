# -*- coding: utf-8 -*-
import base64

from odoo import _, api, models
from odoo.exceptions import UserError
from reportlab.graphics.barcode import createBarcodeDrawing

from ..models.stock_picking import format_phone


class ReportShippingLabel(models.AbstractModel):
    """Shipping labels of delivery orders: one 100x150 mm label per package."""

    _name = "report.soon_delivery_flow.report_shipping_label"
    _description = "Shipping Label"

    @api.model
    def get_report_values(self, docids, data=None):
        pickings = self.env["stock.picking"].browse(docids)
        self._check_printable(pickings)
        return {
            "doc_ids": docids,
            "doc_model": "stock.picking",
            "docs": pickings,
            "labels": self._get_labels(pickings),
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _check_printable(self, pickings):
        wrong = pickings.filtered(lambda p: not p._is_customer_delivery())
        if wrong:
            raise UserError(
                _("Shipping labels are printed for deliveries to customers only; these transfers are not: %s")
                % ", ".join(wrong.mapped("name"))
            )

    @api.model
    def _barcode_data_uri(self, value):
        """A Code128 barcode as an SVG data URI.

        Drawn by reportlab's barcode module, the code behind Odoo's
        ``/report/barcode`` route, but as vectors: sharp on a 203 dpi label
        printer, no HTTP round trip from wkhtmltopdf (nor a session), and no
        raster backend (reportlab 5 renders PNG only through rlPyCairo).
        """
        drawing = createBarcodeDrawing("Code128", value=value, width=600, height=120, humanReadable=False)
        svg = drawing.asString("svg")
        if isinstance(svg, str):
            svg = svg.encode("utf-8")
        return "data:image/svg+xml;base64,%s" % base64.b64encode(svg).decode("ascii")

    @api.model
    def _get_labels(self, pickings, packages=None):
        """One dict per label with everything the template prints.

        :param packages: only the labels of these packages (package report)
        """
        labels = []
        for picking in pickings:
            all_packages = picking._label_packages()
            if packages is None:
                slots = list(enumerate(all_packages, start=1)) or [(1, None)]
            else:
                slots = [(i, pkg) for i, pkg in enumerate(all_packages, start=1) if pkg in packages]
            raw_phone, country_code = picking._label_phone_source()
            phone, phone_ok = format_phone(raw_phone, country_code, picking._sender_country_code())
            sale = picking.sale_id
            delivery_barcode = self._barcode_data_uri(picking.name)
            tracking_barcode = (
                self._barcode_data_uri(picking.carrier_tracking_ref) if picking.carrier_tracking_ref else ""
            )
            for index, package in slots:
                labels.append(
                    {
                        "picking": picking,
                        "package": package,
                        "index": index,
                        "count": len(all_packages) or 1,
                        "sender": picking._label_sender(),
                        "recipient": picking.partner_id,
                        "phone": phone,
                        "phone_invalid": not phone_ok,
                        "order_ref": sale.name or picking.origin or "",
                        "customer_ref": sale.client_order_ref or "",
                        "weight": picking._label_weight(package),
                        "weight_uom": picking.weight_uom_id.name or "",
                        "carrier": picking.carrier_id.name or "",
                        "tracking_ref": picking.carrier_tracking_ref or "",
                        "delivery_barcode": delivery_barcode,
                        "tracking_barcode": tracking_barcode,
                    }
                )
        return labels


class ReportShippingLabelPackage(models.AbstractModel):
    """The same labels printed from packages."""

    _name = "report.soon_delivery_flow.report_shipping_label_package"
    _inherit = "report.soon_delivery_flow.report_shipping_label"
    _description = "Shipping Label (Package)"

    @api.model
    def get_report_values(self, docids, data=None):
        packages = self.env["stock.quant.package"].browse(docids)
        labels = []
        for package in packages:
            picking = package._shipping_delivery()
            if not picking:
                raise UserError(
                    _("Package %s is not part of a delivery order to a customer, so it has no shipping label.")
                    % package.name
                )
            labels += self._get_labels(picking, packages=package)
        return {
            "doc_ids": docids,
            "doc_model": "stock.quant.package",
            "docs": packages,
            "labels": labels,
        }
