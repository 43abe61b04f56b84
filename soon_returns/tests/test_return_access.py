"""Returns follow the visibility of their order: a salesperson limited to
"Own Documents Only" sees and changes the returns of their own orders (and of
orders nobody is assigned to), never another salesperson's; "All Documents"
sees every one; warehouse workers still receive the goods of any return."""

from odoo.exceptions import AccessError, UserError, ValidationError

from soon_testing.common import make_user

from .common import ReturnsCase


class TestReturnAccessBySalesperson(ReturnsCase):
    def setUp(self):
        super().setUp()
        self.own = make_user(
            self.env,
            "Own Returns Salesman",
            "ret_own",
            "base.group_user",
            "sales_team.group_sale_salesman",
            lang="en_US",
        )
        self.other = make_user(
            self.env,
            "Other Returns Salesman",
            "ret_other",
            "base.group_user",
            "sales_team.group_sale_salesman",
            lang="en_US",
        )
        self.all_docs = make_user(
            self.env,
            "All Returns Salesman",
            "ret_all",
            "base.group_user",
            "sales_team.group_sale_salesman_all_leads",
            lang="en_US",
        )
        self.order.user_id = self.other
        self.others_return = self._submit(self.order)
        self.own_order = self._delivered_order(self.customer.partner_id, [(self.product_a, 2)])
        self.own_order.user_id = self.own
        self.own_return = self._submit(self.own_order)
        self.free_order = self._delivered_order(self.customer.partner_id, [(self.product_a, 2)])
        self.free_order.user_id = False
        self.free_return = self._submit(self.free_order)
        self.all_returns = self.others_return | self.own_return | self.free_return
        self.env["return.request"].invalidate_cache()

    def _submit(self, order):
        return self.Request._portal_submit(order, self._form(order, [(self.product_a, 1, self.reason_changed, "")]))

    def test_own_documents_salesman_sees_only_the_returns_of_their_orders(self):
        Request = self.Request.sudo(self.own)
        self.assertEqual(Request.search([("id", "in", self.all_returns.ids)]), self.own_return | self.free_return)
        Line = self.env["return.request.line"].sudo(self.own)
        self.assertEqual(
            Line.search([("request_id", "in", self.all_returns.ids)]),
            (self.own_return | self.free_return).mapped("line_ids"),
        )
        Report = self.env["return.report"].sudo(self.own)
        self.assertEqual(
            set(
                Report.search([("order_id", "in", (self.order | self.own_order | self.free_order).ids)]).mapped(
                    "order_id.id"
                )
            ),
            {self.own_order.id, self.free_order.id},
        )
        self.assertFalse(Report.search([("order_id", "=", self.order.id)]))
        # they work on their own returns as before
        self.own_return.sudo(self.own).write({"return_method": "pickup"})
        self.own_return.line_ids.sudo(self.own).write({"comment": "Checked"})
        self.assertEqual(
            self.own_return.sudo(self.own).read(["access_token"])[0]["access_token"], self.own_return.access_token
        )

    def test_own_documents_salesman_cannot_read_or_change_another_salespersons_return(self):
        theirs = self.others_return.sudo(self.own)
        with self.assertRaises(AccessError):
            theirs.read(["partner_id", "access_token"])
        with self.assertRaises(AccessError):
            theirs.write({"return_method": "pickup"})
        with self.assertRaises(AccessError):
            self.others_return.line_ids.sudo(self.own).read(["comment"])
        with self.assertRaises(AccessError):
            self.others_return.line_ids.sudo(self.own).write({"comment": "Changed"})
        with self.assertRaises(AccessError):
            theirs.action_approve()
        with self.assertRaises(AccessError):
            self.Request.sudo(self.own).create(
                {
                    "order_id": self.order.id,
                    "return_method": "dropoff",
                    "line_ids": [
                        (0, 0, {"sale_line_id": self.line_b.id, "quantity": 1.0, "reason_id": self.reason_changed.id})
                    ],
                }
            )
        with self.assertRaises(AccessError):
            self.others_return.line_ids.sudo(self.own).unlink()
        self.others_return.invalidate_cache()
        self.assertEqual(self.others_return.return_method, "dropoff")
        self.assertEqual(self.others_return.state, "submitted")
        self.assertFalse(self.others_return.line_ids.comment)

    def test_all_documents_salesman_sees_every_return(self):
        Request = self.Request.sudo(self.all_docs)
        self.assertEqual(Request.search([("id", "in", self.all_returns.ids)]), self.all_returns)
        self.others_return.sudo(self.all_docs).write({"return_method": "pickup"})
        self.assertEqual(self.others_return.return_method, "pickup")
        Report = self.env["return.report"].sudo(self.all_docs)
        self.assertTrue(Report.search([("order_id", "=", self.order.id)]))

    def test_warehouse_worker_receives_any_return(self):
        storekeeper = make_user(
            self.env, "Returns Storekeeper", "ret_keeper", "base.group_user", "stock.group_stock_user", lang="en_US"
        )
        # a salesperson limited to their own orders who also works in the warehouse
        self.own.groups_id = [(4, self.env.ref("stock.group_stock_user").id)]
        self.others_return._approve()
        self.free_return._approve()
        self.assertEqual(self.Request.sudo(storekeeper).search([("id", "in", self.all_returns.ids)]), self.all_returns)
        for request, user in ((self.others_return, self.own), (self.free_return, storekeeper)):
            picking = request.picking_ids.sudo(user)
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()
            request.invalidate_cache()
            self.assertEqual(request.state, "received")


class TestReturnStepsOnly(ReturnsCase):
    """The status, dates, credit note and token change only through the
    request's buttons, never by a write sent over RPC."""

    def test_salesman_cannot_write_the_workflow_fields(self):
        salesman = make_user(
            self.env, "Steps Salesman", "ret_steps", "base.group_user", "sales_team.group_sale_salesman", lang="en_US"
        )
        self.order.user_id = salesman
        request = self.Request._portal_submit(
            self.order, self._form(self.order, [(self.product_a, 1, self.reason_changed, "")])
        )
        token = request.access_token
        mine = request.sudo(salesman)
        for vals in (
            {"state": "refunded"},
            {"state": "received", "date_received": "2020-01-01 00:00:00"},
            {"access_token": "chosen"},
            {"credit_note_id": False},
            {"is_late": True},
            {"reject_reason": "No"},
        ):
            with self.assertRaises(AccessError, msg=str(vals)):
                mine.write(vals)
        with self.assertRaises(AccessError):
            self.Request.sudo(salesman).create(
                {
                    "order_id": self.order.id,
                    "return_method": "dropoff",
                    "state": "received",
                    "line_ids": [
                        (0, 0, {"sale_line_id": self.line_b.id, "quantity": 1.0, "reason_id": self.reason_changed.id})
                    ],
                }
            )
        request.invalidate_cache()
        self.assertEqual((request.state, request.access_token, request.is_late), ("submitted", token, False))
        # the buttons still work for them, and other fields stay editable
        mine.write({"return_method": "pickup"})
        mine.action_approve()
        self.assertEqual(request.state, "approved")
        self.assertTrue(request.date_approved)
        mine.action_cancel()
        self.assertEqual(request.state, "cancelled")


class TestReturnLinesStay(ReturnsCase):
    def test_lines_are_removed_only_while_the_request_is_submitted(self):
        request = self.Request._portal_submit(
            self.order,
            self._form(
                self.order, [(self.product_a, 1, self.reason_changed, ""), (self.product_b, 1, self.reason_changed, "")]
            ),
        )
        salesman = make_user(
            self.env, "Lines Salesman", "ret_lines", "base.group_user", "sales_team.group_sale_salesman", lang="en_US"
        )
        self.order.user_id = salesman
        line_b = request.line_ids.filtered(lambda line: line.product_id == self.product_b)
        line_b.sudo(salesman).unlink()
        self.assertEqual(request.line_ids.product_id, self.product_a)
        request._approve()
        with self.assertRaisesRegex(UserError, "still submitted"):
            request.line_ids.sudo(salesman).unlink()
        self.assertEqual(len(request.line_ids), 1)


class TestPhotoSizeSetting(ReturnsCase):
    def test_photo_size_must_be_above_zero_and_at_most_20_mb(self):
        for size in (-1.0, 0.0, 20.5, 1e9):
            with self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.company.return_photo_max_mb = size
        self.company.return_photo_max_mb = 20.0
        self.assertEqual(self.company._get_return_photo_max_bytes(), 20 * 1024 * 1024)

    def test_a_stored_value_out_of_bounds_is_clamped(self):
        # a value stored before the constraint existed never means "no limit"
        for stored, expected in ((-1.0, 0), (1e9, 20 * 1024 * 1024)):
            self.env.cr.execute(
                "UPDATE res_company SET return_photo_max_mb = %s WHERE id = %s", (stored, self.company.id)
            )
            self.company.invalidate_cache(["return_photo_max_mb"])
            self.assertEqual(self.company._get_return_photo_max_bytes(), expected)
