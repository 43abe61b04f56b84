# -*- coding: utf-8 -*-
import logging

import phonenumbers
from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

_logger = logging.getLogger(__name__)

SHIPPED_EMAIL_STATES = [
    ("to_send", "To send"),
    ("queued", "Queued"),
    ("no_address", "Not sent: no valid email address"),
    ("error", "Not sent: the email could not be prepared"),
]


def format_phone(raw, country_code, sender_country_code=None):
    """Return ``(text, valid)`` for a phone number typed by a customer.

    A number ``phonenumbers`` recognises as valid for ``country_code`` is
    formatted (national format when the parcel stays in the sender's
    country, international otherwise); anything else is returned as typed
    with ``valid=False`` so the caller can flag it.
    """
    raw = (raw or "").strip()
    if not raw:
        return "", True
    try:
        number = phonenumbers.parse(raw, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return raw, False
    if not phonenumbers.is_valid_number(number):
        return raw, False
    region = phonenumbers.region_code_for_number(number)
    if sender_country_code and region == sender_country_code.upper():
        fmt = phonenumbers.PhoneNumberFormat.NATIONAL
    else:
        fmt = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt), True


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    shipped_email_state = fields.Selection(
        SHIPPED_EMAIL_STATES,
        "Shipped Email",
        copy=False,
        readonly=True,
        help="Set once when a delivery to a customer is done (To send), then by the "
        "queue job that writes the email, so a second validation or a retry "
        "never sends it twice.",
    )
    shipped_email_partner_id = fields.Many2one(
        "res.partner",
        "Shipped Email Recipient",
        compute="_compute_shipped_email_partner_id",
        help="The delivery address when it has an email address, otherwise the customer who placed the order.",
    )
    label_phone = fields.Char(
        "Phone on Label", compute="_compute_label_phone", help="The recipient's phone as printed on the shipping label."
    )
    label_phone_invalid = fields.Boolean(
        "Phone to Check",
        compute="_compute_label_phone_invalid",
        store=True,
        help="The recipient's phone number could not be recognised for their country; the label shows it as typed.",
    )
    shipped_move_ids = fields.One2many("stock.move", compute="_compute_shipped_email_moves", string="Shipped Products")
    pending_move_ids = fields.One2many(
        "stock.move", compute="_compute_shipped_email_moves", string="Products Still to Come"
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id.email", "sale_id.partner_id")
    def _compute_shipped_email_partner_id(self):
        for picking in self:
            partner = picking.partner_id
            if not (partner.email and tools.email_split(partner.email)):
                partner = picking.sale_id.partner_id or partner.commercial_partner_id or partner
            picking.shipped_email_partner_id = partner

    def _label_phone_source(self):
        """``(raw phone, recipient country code)`` used on the label."""
        self.ensure_one()
        partner = self.partner_id
        commercial = partner.commercial_partner_id
        raw = partner.phone or partner.mobile or commercial.phone or commercial.mobile or ""
        country = partner.country_id or commercial.country_id or self.company_id.country_id
        return raw, country.code

    def _sender_country_code(self):
        self.ensure_one()
        sender = self._label_sender()
        return (sender.country_id or self.company_id.country_id).code

    @api.depends(
        "partner_id.phone", "partner_id.mobile", "partner_id.country_id", "partner_id.commercial_partner_id.phone"
    )
    def _compute_label_phone(self):
        for picking in self:
            raw, country_code = picking._label_phone_source()
            picking.label_phone = format_phone(raw, country_code, picking._sender_country_code())[0]

    @api.depends(
        "picking_type_id",
        "partner_id.phone",
        "partner_id.mobile",
        "partner_id.country_id",
        "partner_id.commercial_partner_id.phone",
        "partner_id.commercial_partner_id.mobile",
        "partner_id.commercial_partner_id.country_id",
    )
    def _compute_label_phone_invalid(self):
        for picking in self:
            if picking.picking_type_id.code != "outgoing" or not picking.partner_id:
                picking.label_phone_invalid = False
                continue
            raw, country_code = picking._label_phone_source()
            picking.label_phone_invalid = not format_phone(raw, country_code)[1]

    def _compute_shipped_email_moves(self):
        for picking in self:
            picking.shipped_move_ids = picking.move_lines.filtered(lambda m: m.state == "done" and m.quantity_done > 0)
            picking.pending_move_ids = (
                picking._pending_deliveries().mapped("move_lines").filtered(lambda m: m.state not in ("done", "cancel"))
            )

    # ------------------------------------------------------------------
    # CRUD / standard flow hooks
    # ------------------------------------------------------------------
    @api.multi
    def action_done(self):
        # a public method: anyone who can name a picking may call it over RPC.
        # Validating needs the right to change the picking, and a finished
        # (done or cancelled) transfer is never validated again: Odoo would
        # rewrite its date and re-run what follows a validation.
        self.check_access_rights("write")
        self.check_access_rule("write")
        if self.ids:
            # a concurrent validation of the same transfer waits here, then
            # fails to serialise and is retried on the finished transfer.
            # NO KEY: rows that only refer to the transfer (the result line of
            # a second "Process deliveries" wizard) must not wait for it
            self.env.cr.execute("SELECT id FROM stock_picking WHERE id IN %s FOR NO KEY UPDATE", [tuple(self.ids)])
            self.invalidate_cache(["state"], self.ids)
        finished = self.filtered(lambda p: p.state in ("done", "cancel"))
        if finished:
            raise UserError(
                _("%s is already done or cancelled: it cannot be validated again.") % ", ".join(finished.mapped("name"))
            )
        res = super().action_done()
        if not self.env.context.get("soon_defer_shipped_email"):
            self._schedule_shipped_email()
        return res

    def _message_post_after_hook(self, message):
        """Odoo 11's send_to_shipper (run on validation) writes "for shipping
        with tracking number False" in the chatter when the carrier gives no
        tracking number (fixed price, rules): the message says it without."""
        res = super()._message_post_after_hook(message)
        if len(self) == 1 and self.carrier_id and not self.carrier_tracking_ref:
            currency = self.sale_id.currency_id or self.company_id.currency_id
            # Odoo's own term, word for word, to recognise its (translated) message
            odoo_body = _(  # pylint: disable=translation-positional-used
                "Shipment sent to carrier %s for shipping with tracking number %s<br/>Cost: %.2f %s"
            ) % (self.carrier_id.name, self.carrier_tracking_ref, self.carrier_price, currency.name)
            if tools.html2plaintext(message.body or "") == tools.html2plaintext(odoo_body):
                body = _("Shipment sent to carrier %(carrier)s<br/>Cost: %(cost).2f %(currency)s") % {
                    "carrier": self.carrier_id.name,
                    "cost": self.carrier_price,
                    "currency": currency.name,
                }
                message.sudo().write({"body": body})
        return res

    # ------------------------------------------------------------------
    # Business methods: what is a delivery to a customer
    # ------------------------------------------------------------------
    def _is_customer_delivery(self):
        """An outgoing transfer that ends at a customer location and is not a
        return (a return picking, or a re-delivery of returned goods)."""
        self.ensure_one()
        return (
            self.picking_type_id.code == "outgoing"
            and self.location_dest_id.usage == "customer"
            and not any(move.origin_returned_move_id for move in self.move_lines)
        )

    def _pending_deliveries(self):
        """Deliveries to the same customer for the same order still to come."""
        self.ensure_one()
        if self.group_id:
            domain = [("group_id", "=", self.group_id.id)]
        else:
            domain = [("backorder_id", "=", self.id)]
        others = self.search(
            domain
            + [
                ("id", "!=", self.id),
                ("state", "not in", ("done", "cancel")),
                ("location_dest_id.usage", "=", "customer"),
                ("picking_type_id.code", "=", "outgoing"),
            ]
        )
        return others.filtered(lambda p: p._is_customer_delivery())

    def _delivery_address_missing(self):
        """Labels of the address fields a carrier needs and the recipient lacks."""
        self.ensure_one()
        partner = self.partner_id
        missing = []
        if not partner:
            return [_("recipient")]
        if not partner.street and not partner.street2:
            missing.append(_("street"))
        if not partner.city:
            missing.append(_("city"))
        if not partner.country_id:
            missing.append(_("country"))
        return missing

    # ------------------------------------------------------------------
    # Business methods: the shipped email
    # ------------------------------------------------------------------
    def _shipped_email_template(self):
        self.ensure_one()
        company = self.company_id
        return company.shipped_email_template_id or company._default_shipped_email_template()

    def _schedule_shipped_email(self):
        """Put every done delivery of ``self`` that has not had its shipped
        email yet in the queue; the queue job writes the emails.

        The claim is a single ``UPDATE ... WHERE shipped_email_state IS NULL
        RETURNING id``: whichever transaction claims a picking first is the
        only one that gets it (a second validation, a retried request or
        another worker gets nothing back). Nothing is rendered here, so the
        validation costs the same with the feature on or off.
        """
        candidates = self.filtered(
            lambda p: (
                p.state == "done"
                and not p.shipped_email_state
                and p.company_id.shipped_email_enabled
                and p._is_customer_delivery()
            )
        )
        if not candidates:
            return self.browse()
        self.env.cr.execute(
            "UPDATE stock_picking SET shipped_email_state = 'to_send' "
            "WHERE id IN %s AND shipped_email_state IS NULL RETURNING id",
            [tuple(candidates.ids)],
        )
        claimed = self.browse([row[0] for row in self.env.cr.fetchall()])
        claimed.invalidate_cache(["shipped_email_state"], claimed.ids)
        return claimed

    @api.model
    def _cron_send_shipped_emails(self, batch_size=100, auto_commit=False):
        """Queue job: write the shipped emails of the scheduled deliveries,
        ``batch_size`` at a time (the template is rendered once per batch).

        Rows are taken with ``FOR UPDATE SKIP LOCKED``, so two workers never
        take the same delivery; each batch moves its deliveries out of
        ``to_send`` in the same transaction that creates their emails.
        """
        sent = self.browse()
        while True:
            self.env.cr.execute(
                "SELECT id FROM stock_picking WHERE shipped_email_state = 'to_send' "
                "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                [batch_size],
            )
            batch = self.browse([row[0] for row in self.env.cr.fetchall()])
            if not batch:
                break
            batch.invalidate_cache(["shipped_email_state"], batch.ids)
            batch._prepare_shipped_emails()
            sent |= batch
            if auto_commit:
                # each batch is independent: keep its emails even if a later batch fails
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return sent

    def _prepare_shipped_emails(self):
        """Write the emails of ``self`` (deliveries in ``to_send``). A missing
        address or a broken template is logged and noted on the delivery,
        never raised."""
        no_address = self.filtered(
            lambda p: not (p.shipped_email_partner_id.email and tools.email_split(p.shipped_email_partner_id.email))
        )
        for picking in no_address:
            _logger.warning(
                "Shipped email for %s not sent: %s has no valid email address (%r)",
                picking.name,
                picking.shipped_email_partner_id.display_name,
                picking.shipped_email_partner_id.email,
            )
            picking.message_post(
                body=_("The shipped email was not sent: %s has no valid email address.")
                % (picking.shipped_email_partner_id.display_name or _("the customer"))
            )
        if no_address:
            no_address.write({"shipped_email_state": "no_address"})

        by_template = {}
        for picking in self - no_address:
            template = picking._shipped_email_template()
            by_template[template] = by_template.get(template, self.browse()) | picking
        for template, pickings in by_template.items():
            try:
                with self.env.cr.savepoint():
                    pickings._queue_shipped_email(template)
                    pickings.write({"shipped_email_state": "queued"})
            except Exception:
                # one broken record must not cost the others their email
                self.env.clear()
                for picking in pickings:
                    try:
                        with self.env.cr.savepoint():
                            picking._queue_shipped_email(template)
                            picking.write({"shipped_email_state": "queued"})
                    except Exception as exc:
                        self.env.clear()
                        _logger.exception("Shipped email for %s could not be prepared", picking.name)
                        picking.write({"shipped_email_state": "error"})
                        picking.message_post(body=_("The shipped email could not be prepared: %s") % tools.ustr(exc))

    def _queue_shipped_email(self, template):
        """Render ``template`` for all of ``self`` at once and queue one
        ``mail.mail`` per picking (what ``mail.template.send_mail`` does for
        one record, without rendering the template once per record)."""
        Mail = self.env["mail.mail"]
        Attachment = self.env["ir.attachment"]
        mails = Mail
        # one language at a time: soon_ecommerce_orders' mail.template.generate_email
        values_by_id = template.generate_email(self.ids)
        for picking in self:
            values = dict(values_by_id[picking.id])
            values["recipient_ids"] = [(4, pid) for pid in values.get("partner_ids", [])]
            attachment_ids = values.pop("attachment_ids", [])
            attachments = values.pop("attachments", [])
            if "email_from" in values and not values.get("email_from"):
                values.pop("email_from")
            if not values["recipient_ids"] and not values.get("email_to"):
                raise ValueError(_("The template has no recipient for %s.") % picking.name)
            mail = Mail.create(values)
            for name, data in attachments:
                attachment_ids.append(
                    Attachment.create(
                        {
                            "name": name,
                            "datas_fname": name,
                            "datas": data,
                            "type": "binary",
                            "res_model": "mail.message",
                            "res_id": mail.mail_message_id.id,
                        }
                    ).id
                )
            if attachment_ids:
                mail.write({"attachment_ids": [(6, 0, attachment_ids)]})
            mails |= mail
        return mails

    # ------------------------------------------------------------------
    # Business methods: shipping labels
    # ------------------------------------------------------------------
    def _label_sender(self):
        self.ensure_one()
        warehouse = self.picking_type_id.warehouse_id
        return warehouse.partner_id or self.company_id.partner_id

    def _label_packages(self):
        """Packages leaving with this delivery, in a stable order."""
        self.ensure_one()
        lines = self.move_line_ids.filtered(lambda ml: ml.qty_done > 0 or self.state != "done")
        packages = lines.mapped("result_package_id") | lines.filtered(lambda ml: not ml.result_package_id).mapped(
            "package_id"
        )
        return packages.sorted(key=lambda p: p.id)

    def _label_weight(self, package=None):
        """Weight printed on the label, in the picking's weight unit."""
        self.ensure_one()
        if package:
            if package.shipping_weight:
                return package.shipping_weight
            weight = 0.0
            for line in self.move_line_ids.filtered(lambda ml: package in (ml.result_package_id | ml.package_id)):
                qty = line.qty_done or line.product_uom_qty
                weight += line.product_uom_id._compute_quantity(qty, line.product_id.uom_id) * line.product_id.weight
            return weight
        return self.shipping_weight or self.weight

    # ------------------------------------------------------------------
    # Business methods: helpers for "Process deliveries"
    # ------------------------------------------------------------------
    def _needs_package(self):
        """Goods are put in a package at the warehouse's packing step, and at
        the delivery to the customer for whatever still travels unpacked."""
        self.ensure_one()
        warehouse = self.picking_type_id.warehouse_id
        unpacked = self.move_line_ids.filtered(lambda ml: ml.qty_done > 0 and not ml.result_package_id)
        if not unpacked:
            return False
        if warehouse.delivery_steps == "pick_pack_ship" and self.picking_type_id == warehouse.pack_type_id:
            return True
        return self._is_customer_delivery()

    def _soon_put_in_pack(self):
        """Odoo's own ``_put_in_pack`` (the carrier dialog of ``put_in_pack``
        is for interactive use), with the shipping weight of the new package."""
        self.ensure_one()
        package = self._put_in_pack()
        if package:
            weight = 0.0
            for line in self.move_line_ids.filtered(lambda ml: ml.result_package_id == package):
                weight += (
                    line.product_uom_id._compute_quantity(line.qty_done, line.product_id.uom_id)
                    * line.product_id.weight
                )
            package.shipping_weight = weight
        return package

    def _soon_fill_done_quantities(self):
        """Done quantities = reserved quantities (what Odoo's immediate
        transfer does when the user confirms it)."""
        for line in self.mapped("move_line_ids"):
            if float_is_zero(line.qty_done, precision_rounding=line.product_uom_id.rounding):
                line.qty_done = line.product_uom_qty
