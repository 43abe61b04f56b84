# -*- coding: utf-8 -*-
from urllib.parse import quote

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    tracking_url_template = fields.Char(
        "Tracking Link",
        help="Page where the customer follows the parcel, for carriers without a "
        "shipping connector. {ref} is replaced by the tracking reference, "
        "e.g. https://tracking.example.com/?code={ref}",
    )

    @api.constrains("tracking_url_template")
    def _check_tracking_url_template(self):
        for carrier in self.filtered("tracking_url_template"):
            url = carrier.tracking_url_template.strip()
            if not url.startswith(("http://", "https://")) or "{ref}" not in url:
                raise ValidationError(
                    _(
                        "The tracking link of %s must start with http:// or https:// "
                        "and contain {ref} where the tracking reference goes."
                    )
                    % carrier.name
                )

    def get_tracking_link(self, picking):
        link = super().get_tracking_link(picking)
        if not link and self.tracking_url_template and picking.carrier_tracking_ref:
            link = self.tracking_url_template.strip().replace(
                "{ref}", quote(picking.carrier_tracking_ref.strip(), safe="")
            )
        return link
