# -*- coding: utf-8 -*-
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from soon_testing.languages import ensure_language

from .common import DeliveryFlowCase


class TestShippedEmail(DeliveryFlowCase):
    def _return(self, picking):
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_ids=picking.ids, active_model="stock.picking")
            .create({})
        )
        action = wizard.create_returns()
        return self.env["stock.picking"].browse(action["res_id"])

    def _ship_one_step(self, lines, partner=None, carrier=None, tracking=None):
        order = self._create_order(lines, warehouse=self.wh1, partner=partner, carrier=carrier)
        delivery = self._delivery(order)
        if tracking:
            delivery.carrier_tracking_ref = tracking
        return order, delivery

    # ------------------------------------------------------------------
    # the email
    # ------------------------------------------------------------------
    def test_email_queued_once_with_products_and_tracking_link(self):
        order, delivery = self._ship_one_step(
            [(self.tea_set, 2), (self.tray, 1)], carrier=self.carrier, tracking="TRK 42/VN"
        )
        self.assertFalse(self._shipped_mails(delivery))

        self._validate_standard(delivery)

        mail = self._shipped_mails(delivery)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued for the mail cron, never sent inside the validation")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(order.name, mail.subject)
        self.assertIn("Test Tea Set", mail.body_html)
        self.assertRegex(mail.body_html, r"Test Tea Set</td>\s*<td[^>]*>2 Unit\(s\)</td>")
        self.assertRegex(mail.body_html, r"Test Tray</td>\s*<td[^>]*>1 Unit\(s\)</td>")
        self.assertIn("https://tracking.example.com/parcel?code=TRK%2042%2FVN", mail.body_html)
        self.assertIn("TRK 42/VN", mail.body_html)
        self.assertNotIn("Still to come", mail.body_html)
        self.assertEqual(delivery.shipped_email_state, "queued")

    def test_validation_only_schedules_the_job_writes_the_emails(self):
        # deliveries validated before this test (the demo shop's) wait in the same queue
        waiting = self.env["stock.picking"].search([("shipped_email_state", "=", "to_send")])
        deliveries = self.env["stock.picking"]
        for qty in (1, 2, 3):
            order, delivery = self._ship_one_step([(self.tea_set, qty)])
            self._validate_standard(delivery)
            deliveries |= delivery
        self.assertEqual(set(deliveries.mapped("shipped_email_state")), {"to_send"})
        self.assertFalse(
            self._shipped_mails(deliveries, run_queue=False), "nothing is rendered while the delivery is validated"
        )

        sent = self._run_email_queue()

        self.assertEqual(sent, waiting | deliveries)
        self.assertEqual(set(deliveries.mapped("shipped_email_state")), {"queued"})
        mails = self._shipped_mails(deliveries, run_queue=False)
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(deliveries.ids))
        self.assertFalse(self._run_email_queue(), "a second run finds nothing to do")
        self.assertEqual(self._shipped_mails(deliveries), mails)

    def test_processing_three_steps_emails_only_for_the_delivery(self):
        order = self._create_order([(self.tea_set, 1)], warehouse=self.wh3)

        self._process(orders=order)

        mails = self._shipped_mails(order.picking_ids)
        self.assertEqual(len(mails), 1)
        self.assertEqual(
            mails.res_id, self._delivery(order).id, "the pick and pack steps are internal moves: no email for them"
        )

    def test_double_validation_sends_one_email(self):
        order, delivery = self._ship_one_step([(self.tea_set, 1)])
        self._validate_standard(delivery)

        # a retried request / a second worker validating again: refused
        with self.assertRaises(UserError):
            delivery.action_done()
        delivery._schedule_shipped_email()

        self.assertEqual(len(self._shipped_mails(delivery)), 1)

    def test_claim_taken_by_another_worker_sends_nothing(self):
        order, delivery = self._ship_one_step([(self.tea_set, 1)])
        # another worker claimed it (its UPDATE ... RETURNING won) between our read and our claim
        self.env.cr.execute("UPDATE stock_picking SET shipped_email_state = 'queued' WHERE id = %s", [delivery.id])

        self._validate_standard(delivery)

        self.assertFalse(self._shipped_mails(delivery))

    def test_backorder_email_lists_what_is_still_to_come(self):
        order, delivery = self._ship_one_step([(self.tea_set, 3), (self.tray, 2)])
        self._set_done(delivery, {self.tea_set: 1, self.tray: 2})

        self._validate_standard(delivery, backorder=True)

        backorder = self.env["stock.picking"].search([("backorder_id", "=", delivery.id)])
        self.assertEqual(len(backorder), 1)
        mail = self._shipped_mails(delivery)
        self.assertEqual(len(mail), 1)
        body = mail.body_html
        shipped, to_come = body.split("Still to come")
        self.assertIn("Test Tea Set", shipped)
        self.assertIn("Test Tray", shipped)
        self.assertIn("Test Tea Set", to_come)
        self.assertIn("2 Unit(s)", to_come)
        self.assertNotIn("Test Tray", to_come)
        self.assertFalse(self._shipped_mails(backorder))

        # the backorder sends its own email when it is done
        self._validate_standard(backorder)
        mail2 = self._shipped_mails(backorder)
        self.assertEqual(len(mail2), 1)
        self.assertNotIn("Still to come", mail2.body_html)
        self.assertEqual(len(self._shipped_mails(delivery)), 1)

    def test_no_backorder_means_nothing_announced_to_come(self):
        order, delivery = self._ship_one_step([(self.tea_set, 3)])
        self._set_done(delivery, {self.tea_set: 1})

        self._validate_standard(delivery, backorder=False)

        backorder = self.env["stock.picking"].search([("backorder_id", "=", delivery.id)])
        self.assertEqual(backorder.state, "cancel")
        mail = self._shipped_mails(delivery)
        self.assertEqual(len(mail), 1)
        self.assertNotIn("Still to come", mail.body_html)

    # ------------------------------------------------------------------
    # never for the wrong transfers
    # ------------------------------------------------------------------
    def test_no_email_for_returns_receipts_internal_moves(self):
        order, delivery = self._ship_one_step([(self.tea_set, 2)])
        self._validate_standard(delivery)
        self.assertEqual(len(self._shipped_mails(delivery)), 1)
        pickings = self.env["stock.picking"]

        # the customer sends it back...
        customer_return = self._return(delivery)
        self._validate_standard(customer_return)
        pickings |= customer_return
        # ... and we send it again (a return of the return goes to the customer)
        resend = self._return(customer_return)
        self.assertEqual(resend.location_dest_id.usage, "customer")
        self._validate_standard(resend)
        pickings |= resend

        # a receipt from a vendor
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.wh1.in_type_id.id,
                "partner_id": self.customer.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.wh1.lot_stock_id.id,
                "move_lines": [
                    (
                        0,
                        0,
                        {
                            "name": "in",
                            "product_id": self.tray.id,
                            "product_uom_qty": 1,
                            "product_uom": self.unit.id,
                            "location_id": self.supplier_location.id,
                            "location_dest_id": self.wh1.lot_stock_id.id,
                        },
                    )
                ],
            }
        )
        receipt.action_confirm()
        self._validate_standard(receipt)
        pickings |= receipt
        # an internal transfer
        shelf = self.env["stock.location"].create({"name": "Shelf B", "location_id": self.wh1.lot_stock_id.id})
        internal = self.env["stock.picking"].create(
            {
                "picking_type_id": self.wh1.int_type_id.id,
                "partner_id": self.customer.id,
                "location_id": self.wh1.lot_stock_id.id,
                "location_dest_id": shelf.id,
                "move_lines": [
                    (
                        0,
                        0,
                        {
                            "name": "int",
                            "product_id": self.tray.id,
                            "product_uom_qty": 1,
                            "product_uom": self.unit.id,
                            "location_id": self.wh1.lot_stock_id.id,
                            "location_dest_id": shelf.id,
                        },
                    )
                ],
            }
        )
        internal.action_confirm()
        internal.action_assign()
        self._validate_standard(internal)
        pickings |= internal
        # a delivery order type used to send goods back to a vendor (odoo/odoo#221325)
        to_vendor = self.env["stock.picking"].create(
            {
                "picking_type_id": self.wh1.out_type_id.id,
                "partner_id": self.customer.id,
                "location_id": self.wh1.lot_stock_id.id,
                "location_dest_id": self.supplier_location.id,
                "move_lines": [
                    (
                        0,
                        0,
                        {
                            "name": "out",
                            "product_id": self.tray.id,
                            "product_uom_qty": 1,
                            "product_uom": self.unit.id,
                            "location_id": self.wh1.lot_stock_id.id,
                            "location_dest_id": self.supplier_location.id,
                        },
                    )
                ],
            }
        )
        to_vendor.action_confirm()
        to_vendor.action_assign()
        self._validate_standard(to_vendor)
        pickings |= to_vendor

        self.assertEqual(set(pickings.mapped("state")), {"done"})
        self.assertFalse(self._shipped_mails(pickings))
        self.assertFalse(any(pickings.mapped("shipped_email_state")))

    def test_no_email_when_the_feature_is_off(self):
        self.company.shipped_email_enabled = False
        order, delivery = self._ship_one_step([(self.tea_set, 1)])

        self._validate_standard(delivery)

        self.assertEqual(delivery.state, "done")
        self.assertFalse(self._shipped_mails(delivery))
        self.assertFalse(delivery.shipped_email_state)

    # ------------------------------------------------------------------
    # never blocking the validation
    # ------------------------------------------------------------------
    def test_bad_address_is_logged_not_raised(self):
        partner = self._create_partner(name="Bad Mail", email="not-an-email")
        order, delivery = self._ship_one_step([(self.tea_set, 1)], partner=partner)

        self._validate_standard(delivery)
        with self.assertLogs("odoo.addons.soon_delivery_flow.models.stock_picking", "WARNING") as logs:
            self.assertFalse(self._shipped_mails(delivery))

        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.shipped_email_state, "no_address")
        self.assertIn("Bad Mail", logs.output[0])
        self.assertIn("no valid email address", delivery.message_ids[0].body)

    def test_delivery_address_without_email_falls_back_to_the_customer(self):
        address = self._create_partner(name="Reception Desk", email=False, parent_id=self.customer.id, type="delivery")
        order = self._create_order([(self.tea_set, 1)], warehouse=self.wh1, confirm=False)
        order.partner_shipping_id = address
        order.action_confirm()
        delivery = self._delivery(order)
        self.assertEqual(delivery.partner_id, address)

        self._validate_standard(delivery)

        self.assertEqual(self._shipped_mails(delivery).recipient_ids, self.customer)

    def test_broken_template_does_not_block_validation(self):
        template = self.env.ref("soon_delivery_flow.mail_template_delivery_shipped").copy(
            {"body_html": "<p>${object.no_such_field.name}</p>"}
        )
        self.company.shipped_email_template_id = template
        order, delivery = self._ship_one_step([(self.tea_set, 1)])

        self._validate_standard(delivery)
        self.assertEqual(delivery.state, "done")
        # the job logs the broken template with its traceback, on purpose: kept out of the test log
        with mute_logger("odoo.addons.soon_delivery_flow.models.stock_picking"):
            self.assertFalse(self._shipped_mails(delivery))

        self.assertEqual(delivery.shipped_email_state, "error")
        self.assertIn("could not be prepared", delivery.message_ids[0].body)

    # ------------------------------------------------------------------
    # language, settings, tracking links
    # ------------------------------------------------------------------
    def test_email_in_the_customers_language(self):
        ensure_language(self.env, "vi_VN")
        partner = self._create_partner(name="Khach Hang", email="khach@example.com", lang="vi_VN")
        order, delivery = self._ship_one_step([(self.tea_set, 1)], partner=partner)

        self._validate_standard(delivery)

        mail = self._shipped_mails(delivery)
        self.assertIn("đã được giao cho đơn vị vận chuyển", mail.subject)
        self.assertIn("Xin chào Khach Hang", mail.body_html)

    def test_one_batch_many_languages(self):
        """Odoo 11's generate_email renders a batch in its first record's language."""
        ensure_language(self.env, "vi_VN")
        english = self._create_partner(name="Jane Buyer", email="jane@example.com", lang="en_US")
        vietnamese = self._create_partner(name="Khach Hang", email="khach@example.com", lang="vi_VN")
        deliveries = self.env["stock.picking"]
        for partner in (english, vietnamese, english):
            order, delivery = self._ship_one_step([(self.tea_set, 1)], partner=partner)
            self._validate_standard(delivery)
            deliveries |= delivery

        mails = self._shipped_mails(deliveries)

        self.assertEqual(len(mails), 3)
        for delivery in deliveries:
            mail = mails.filtered(lambda m, d=delivery: m.res_id == d.id)
            if delivery.partner_id == vietnamese:
                self.assertIn("đã được giao cho đơn vị vận chuyển", mail.subject)
            else:
                self.assertIn("has been shipped", mail.subject)

    def test_settings_store_on_the_company_and_require_a_template(self):
        template = self.env.ref("soon_delivery_flow.mail_template_delivery_shipped")
        # the settings form writes through its related fields
        self.env["res.config.settings"].create({"shipped_email_enabled": False})
        self.assertFalse(self.company.shipped_email_enabled)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.shipped_email_template_id, template, "the shipped template is preselected")
        settings.shipped_email_enabled = True
        self.assertTrue(self.company.shipped_email_enabled)
        with self.assertRaises(ValidationError):
            self.company.write({"shipped_email_template_id": False})
        with self.assertRaises(ValidationError):
            self.company.write({"shipped_email_template_id": self.env.ref("sale.email_template_edi_sale").id})

    def test_tracking_link_pattern_of_a_carrier(self):
        order, delivery = self._ship_one_step([(self.tea_set, 1)], carrier=self.carrier, tracking="AB12")
        self.assertEqual(delivery.carrier_tracking_url, "https://tracking.example.com/parcel?code=AB12")
        with self.assertRaises(ValidationError):
            self.carrier.tracking_url_template = "tracking.example.com/{ref}"
        with self.assertRaises(ValidationError):
            self.carrier.tracking_url_template = "https://tracking.example.com/"
