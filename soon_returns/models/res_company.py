from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# largest photo a company may allow on the return form (MB)
RETURN_PHOTO_MAX_MB_LIMIT = 20.0


class ResCompany(models.Model):
    _inherit = "res.company"

    return_window_days = fields.Integer(
        string="Return Window (days)",
        default=30,
        help="Days after delivery during which a product can be returned, "
        "unless its product or category sets another window.",
    )
    return_location_id = fields.Many2one(
        "stock.location",
        domain=[("usage", "=", "internal")],
        help="Where approved returns are received. Empty: the location the goods were delivered from.",
    )
    return_photo_max_mb = fields.Float(
        string="Maximum Photo Size (MB)", default=5.0, help="Largest photo a customer may attach to a return request."
    )
    return_sla_submitted_hours = fields.Float(
        string="Hours to Review a Request",
        default=48.0,
        help="A submitted request not approved or rejected within this delay is late.",
    )
    return_sla_approved_hours = fields.Float(
        string="Hours to Receive the Goods",
        default=336.0,
        help="An approved request whose goods are not received within this delay is late.",
    )
    return_sla_received_hours = fields.Float(
        string="Hours to Refund", default=72.0, help="A received request not refunded within this delay is late."
    )

    @api.constrains("return_photo_max_mb")
    def _check_return_photo_max_mb(self):
        for company in self:
            if not 0 < company.return_photo_max_mb <= RETURN_PHOTO_MAX_MB_LIMIT:
                raise ValidationError(
                    _("The maximum photo size of a return must be above 0 and at most %s MB.")
                    % ("%g" % RETURN_PHOTO_MAX_MB_LIMIT)
                )

    def _get_return_photo_max_bytes(self):
        """The photo size limit in bytes, within (0, 20 MB] whatever is stored."""
        self.ensure_one()
        size_mb = min(max(self.return_photo_max_mb or 0.0, 0.0), RETURN_PHOTO_MAX_MB_LIMIT)
        return int(size_mb * 1024 * 1024)
