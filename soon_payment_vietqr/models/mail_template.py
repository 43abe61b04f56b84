# -*- coding: utf-8 -*-
from odoo import api, fields, models, tools


class MailTemplate(models.Model):
    _inherit = "mail.template"

    vietqr_block = fields.Boolean(
        "Add the VietQR Payment Code",
        help="For an order still to be paid by a wire transfer with a VietQR account, the email shows "
        "the VietQR code and the bank details after its text.",
    )

    @api.multi
    def generate_email(self, res_ids, fields=None):
        """Append the VietQR block to the body of the orders that have one due,
        in the language the template renders each order in."""
        results = super().generate_email(res_ids, fields=fields)
        if not self.vietqr_block or self.model != "sale.order" or (fields is not None and "body_html" not in fields):
            return results
        by_id = results if isinstance(res_ids, (list, tuple)) else {res_ids: results}
        # generate_email can be called over RPC: the block (image link with the order's access token) only for
        # orders the caller may read (one search applies the record rules)
        Order = self.env["sale.order"]
        if not Order.check_access_rights("read", raise_exception=False):
            return results
        readable = set(Order.search([("id", "in", list(by_id))]).ids)
        for res_id, template in self.get_email_template(list(by_id)).items():
            order = Order.sudo().browse(res_id)
            values = by_id.get(res_id)
            if res_id not in readable or values is None:
                continue
            block = order.with_context(lang=template._context.get("lang"))._vietqr_mail_html()
            if block:
                values["body_html"] = (values.get("body_html") or "") + block
                values["body"] = tools.html_sanitize(values["body_html"])
        return results
