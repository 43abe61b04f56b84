"""Back office life of a return: submit, approve (return transfer), receive,
reject, cancel, refund hooks, deadlines, smart buttons, analytics."""

import re
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from ..models.return_request import ReturnRequestError
from .common import ReturnsCase, days_ago, png_bytes


class TestReturnFlow(ReturnsCase):
    def _submit(self, qty=1, product=None, reason=None, comment="", method="dropoff", files=None):
        return self.Request._portal_submit(
            self.order,
            self._form(self.order, [(product or self.product_a, qty, reason or self.reason_changed, comment)], method),
            files or {},
        )

    def _messages(self, request, needle):
        return request.message_ids.filtered(lambda m: needle in (m.subject or "") or needle in (m.body or ""))

    def test_submit_creates_request_with_reference_lines_and_acknowledgement(self):
        files = {"photos-%d" % self.line_b.id: [("chair.png", png_bytes())]}
        form = self._form(
            self.order,
            [(self.product_a, 2, self.reason_changed, ""), (self.product_b, 1, self.reason_damaged, "Leg broken")],
            "pickup",
        )
        request = self.Request._portal_submit(self.order, form, files)
        self.assertRegex(request.name, r"^RET/%s/\d{4}$" % fields.Date.today()[:4])
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.partner_id, self.customer.partner_id)
        self.assertEqual(request.return_method, "pickup")
        self.assertEqual(sorted(request.line_ids.mapped("quantity")), [1.0, 2.0])
        line_b = request.line_ids.filtered(lambda rline: rline.product_id == self.product_b)
        self.assertEqual(line_b.comment, "Leg broken")
        self.assertEqual(line_b.photo_ids.mapped("mimetype"), ["image/png"])
        self.assertIn(self.customer.partner_id, request.message_partner_ids)
        ack = request.message_ids.filtered(lambda m: "we received your return request" in (m.subject or ""))
        self.assertEqual(len(ack), 1)
        self.assertIn(self.customer.partner_id, ack.partner_ids)
        self.assertIn(request.access_token, ack.body)
        self.assertEqual(self.line_a.qty_return_reserved, 2.0)

    def test_refused_form_creates_nothing(self):
        count = self.Request.search_count([])
        with self.assertRaises(ReturnRequestError) as caught:
            self._submit(qty=10)
        self.assertIn("qty-%d" % self.line_a.id, caught.exception.errors)
        self.assertEqual(self.Request.search_count([]), count)

    def test_approve_creates_return_transfer_to_return_location(self):
        request = self._submit(qty=2)
        request.action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(len(request.picking_ids), 1)
        picking = request.picking_ids
        self.assertEqual(picking.location_dest_id, self.company.return_location_id)
        self.assertEqual(picking.picking_type_id.code, "incoming")
        move = picking.move_lines
        self.assertEqual(move.product_uom_qty, 2.0)
        self.assertTrue(move.to_refund)
        self.assertEqual(
            move.origin_returned_move_id.picking_id,
            self.order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing"),
        )
        self.assertEqual(move.return_request_line_id, request.line_ids)
        self.assertTrue(self._messages(request, "is approved"))
        with self.assertRaises(UserError):
            request.action_approve()

    def test_validating_the_return_marks_received_and_updates_delivered(self):
        request = self._submit(qty=2)
        request.action_approve()
        self._validate_return_pickings(request)
        self.assertEqual(request.state, "received")
        self.assertTrue(request.date_received)
        self.assertEqual(request.line_ids.qty_received, 2.0)
        self.assertEqual(self.line_a.qty_delivered, 1.0)
        self.assertEqual(self.line_a.qty_return_reserved, 0.0)
        self.assertTrue(self._messages(request, "we received the items"))
        self.assertEqual(request._get_refundable_lines(), request.line_ids)

    def test_reject_wizard_emails_the_reason(self):
        request = self._submit()
        action = request.action_reject()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": "The item shows signs of use."})
        )
        self.assertEqual(wizard.request_ids, request)
        wizard.action_reject()
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.reject_reason, "The item shows signs of use.")
        mail = self._messages(request, "was not accepted")
        self.assertEqual(len(mail), 1)
        self.assertIn("The item shows signs of use.", mail.body)
        self.assertIn(self.customer.partner_id, mail.partner_ids)
        self.assertEqual(self.line_a.qty_return_reserved, 0.0)

    def test_reject_requires_a_reason_and_cancels_the_open_transfer(self):
        request = self._submit()
        with self.assertRaises(UserError):
            request._reject("   ")
        request._approve()
        request._reject("Wrong serial number")
        self.assertEqual(request.picking_ids.state, "cancel")

    def test_cancel(self):
        request = self._submit()
        request.action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertTrue(request.date_cancelled)
        with self.assertRaises(UserError):
            request.action_cancel()
        request.unlink()
        self.assertFalse(request.exists())

    def test_only_closed_requests_can_be_deleted(self):
        request = self._submit()
        with self.assertRaises(UserError):
            request.unlink()

    def test_set_refunded_only_after_reception(self):
        request = self._submit()
        self.assertFalse(request._get_refundable_lines())
        with self.assertRaises(UserError):
            request._set_refunded(self.env["account.invoice"])
        request._approve()
        self._validate_return_pickings(request)
        request._set_refunded(self.env["account.invoice"])
        self.assertEqual(request.state, "refunded")
        self.assertTrue(request.date_refunded)
        self.assertEqual(
            [label for _date, label in request._get_state_history()], ["Submitted", "Approved", "Received", "Refunded"]
        )

    def test_state_changes_are_tracked_in_the_chatter(self):
        request = self._submit()
        request._approve()
        tracking = request.message_ids.mapped("tracking_value_ids").filtered(lambda t: t.field == "state")
        self.assertIn("Approved", tracking.mapped("new_value_char"))

    def test_deadline_per_state_and_late_cron(self):
        request = self._submit()
        deadline = fields.Datetime.from_string(request.date_deadline)
        submitted = fields.Datetime.from_string(request.date_submitted)
        self.assertEqual((deadline - submitted).total_seconds(), 48 * 3600)
        Activity = self.env["mail.activity"]
        domain = [("res_model", "=", "return.request"), ("res_id", "=", request.id)]
        self.Request._cron_check_deadlines()
        self.assertFalse(request.is_late)
        request.write({"date_submitted": days_ago(3)})
        self.Request._cron_check_deadlines()
        self.assertTrue(request.is_late)
        activity = Activity.search(domain)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, request.user_id)
        self.assertIn(request.name, activity.summary)
        # running again schedules nothing more
        self.Request._cron_check_deadlines()
        self.assertEqual(Activity.search_count(domain), 1)
        # next step: new deadline, not late any more
        request._approve()
        self.assertFalse(request.is_late)
        self.assertEqual(
            request.date_deadline,
            fields.Datetime.to_string(
                fields.Datetime.from_string(request.date_approved)
                + __import__("datetime").timedelta(hours=self.company.return_sla_approved_hours)
            ),
        )

    def test_cron_goes_on_after_a_failure(self):
        first, second = self._submit(), self._submit(product=self.product_b)
        (first | second).write({"date_submitted": days_ago(3)})
        original = type(self.Request)._mark_late

        def failing(request):
            if request == first:
                raise ValueError("boom")
            return original(request)

        with patch.object(type(self.Request), "_mark_late", failing):
            self.Request._cron_check_deadlines()
        self.assertFalse(first.is_late)
        self.assertTrue(second.is_late)

    def test_smart_buttons(self):
        request = self._submit()
        request._approve()
        self.assertEqual(self.order.return_request_count, 1)
        action = self.order.action_view_return_requests()
        self.assertEqual(action["res_id"], request.id)
        delivery = self.order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(delivery.return_request_count, 1)
        self.assertEqual(delivery.action_view_return_requests()["res_id"], request.id)
        self.assertEqual(request.picking_ids.return_request_count, 1)
        self.assertEqual(request.action_view_pickings()["res_id"], request.picking_ids.id)

    def test_salesman_can_approve_and_stock_user_can_receive(self):
        salesman = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Returns Salesman",
                    "login": "ret_salesman",
                    "email": "salesman@example.com",
                    "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman_all_leads").id])],
                }
            )
        )
        storekeeper = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Returns Storekeeper",
                    "login": "ret_store",
                    "email": "store@example.com",
                    "groups_id": [(6, 0, [self.env.ref("stock.group_stock_user").id])],
                }
            )
        )
        request = self._submit()
        request.sudo(salesman).action_approve()
        picking = request.picking_ids.sudo(storekeeper)
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.action_done()
        self.assertEqual(request.state, "received")

    def test_settings_are_stored_on_the_company(self):
        # related fields write through to the company (execute() would also
        # apply every other setting of the form, outside this test's concern)
        self.env["res.config.settings"].create({"return_window_days": 21, "return_sla_submitted_hours": 12.0})
        self.assertEqual(self.company.return_window_days, 21)
        self.assertEqual(self.company.return_sla_submitted_hours, 12.0)

    def test_sequence_reference_format(self):
        names = [self._submit().name, self._submit(product=self.product_b).name]
        for name in names:
            self.assertTrue(re.match(r"^RET/\d{4}/\d{4}$", name), name)
        self.assertNotEqual(names[0], names[1])


class TestReturnReport(ReturnsCase):
    def test_return_rate_per_product_is_ratio_of_sums(self):
        request = self.Request._portal_submit(
            self.order,
            self._form(self.order, [(self.product_a, 1, self.reason_damaged, "Scratched")]),
            {"photos-%d" % self.line_a.id: [("a.png", png_bytes())]},
        )
        request._approve()
        self._validate_return_pickings(request)
        # delivered 70 days ago: always another month than the first order (delivered yesterday)
        other = self._delivered_order(self.customer.partner_id, [(self.product_a, 5)], 70)
        Report = self.env["return.report"]
        rows = Report.search([("order_id", "=", other.id)])
        self.assertEqual(rows.mapped("qty_delivered"), [5.0])
        self.assertEqual(rows.mapped("qty_returned"), [0.0])
        self.assertEqual(rows.partner_id, self.customer.partner_id)
        domain = [("product_id", "in", (self.product_a | self.product_b).ids)]
        groups = {
            g["product_id"][0]: g
            for g in Report.read_group(
                domain, ["product_id", "qty_delivered", "qty_returned", "return_rate"], ["product_id"]
            )
        }
        self.assertEqual(groups[self.product_a.id]["qty_delivered"], 8.0)
        self.assertEqual(groups[self.product_a.id]["qty_returned"], 1.0)
        self.assertAlmostEqual(groups[self.product_a.id]["return_rate"], 12.5)
        self.assertEqual(groups[self.product_b.id]["return_rate"], 0.0)
        by_categ = Report.read_group([("categ_id", "=", self.categ.id)], ["categ_id", "return_rate"], ["categ_id"])
        self.assertAlmostEqual(by_categ[0]["return_rate"], 100.0 / 9)
        by_reason = Report.read_group(
            domain + [("reason_id", "!=", False)], ["reason_id", "qty_requested"], ["reason_id"]
        )
        self.assertEqual([(g["reason_id"][0], g["qty_requested"]) for g in by_reason], [(self.reason_damaged.id, 1.0)])
        by_month = Report.read_group(domain, ["date", "qty_delivered"], ["date:month"])
        # the first order's 3 + 1 in its month, the other order's 5 in its own month
        self.assertEqual(sorted(g["qty_delivered"] for g in by_month if g["qty_delivered"]), [4.0, 5.0])


class TestReturnAccessRules(ReturnsCase):
    def test_portal_users_read_only_their_own_returns(self):
        request = self.Request._portal_submit(
            self.order, self._form(self.order, [(self.product_a, 1, self.reason_changed, "")])
        )
        as_customer = self.Request.sudo(self.customer)
        self.assertEqual(as_customer.search([("id", "=", request.id)]), request)
        self.assertEqual(request.sudo(self.customer).line_ids.quantity, 1.0)
        self.assertFalse(self.Request.sudo(self.stranger).search([("id", "=", request.id)]))
        self.assertFalse(self.env["return.request.line"].sudo(self.stranger).search([("request_id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.sudo(self.stranger).read(["name"])
        with self.assertRaises(AccessError):
            request.sudo(self.customer).write({"return_method": "pickup"})
        with self.assertRaises(AccessError):
            as_customer.create({"order_id": self.order.id, "return_method": "dropoff"})


class TestBackOfficeRequests(ReturnsCase):
    def test_back_office_request_cannot_exceed_delivered(self):
        values = {
            "order_id": self.order.id,
            "return_method": "dropoff",
            "line_ids": [
                (0, 0, {"sale_line_id": self.line_a.id, "quantity": 2.0, "reason_id": self.reason_changed.id})
            ],
        }
        request = self.Request.create(values)
        self.assertEqual(request.partner_id, self.customer.partner_id)
        with self.assertRaises(ValidationError):
            self.Request.create(values)
        with self.assertRaises(ValidationError):
            request.line_ids.write({"quantity": 4.0})
