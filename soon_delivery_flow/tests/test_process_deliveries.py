# -*- coding: utf-8 -*-
from odoo.exceptions import UserError

from .common import DeliveryFlowCase


class TestProcessDeliveries(DeliveryFlowCase):
    def _line(self, wizard, order):
        line = wizard.line_ids.filtered(lambda line: line.sale_order_id == order)
        self.assertEqual(len(line), 1, "one result line per order")
        return line

    # ------------------------------------------------------------------
    # the chain in one action
    # ------------------------------------------------------------------
    def test_three_step_chain_done_in_one_action(self):
        order = self._create_order([(self.tea_set, 2), (self.tray, 1)], warehouse=self.wh3)
        pickings = order.picking_ids
        self.assertEqual(
            sorted(pickings.mapped("picking_type_id").ids),
            sorted((self.wh3.pick_type_id | self.wh3.pack_type_id | self.wh3.out_type_id).ids),
        )

        wizard = self._process(orders=order)

        self.assertEqual(wizard.state, "done")
        line = self._line(wizard, order)
        self.assertEqual(line.result, "done", line.reason)
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        pack = pickings.filtered(lambda p: p.picking_type_id == self.wh3.pack_type_id)
        out = self._delivery(order)
        package = pack.move_line_ids.mapped("result_package_id")
        self.assertEqual(len(package), 1, "the goods were put in one package at the packing step")
        self.assertEqual(
            out.move_line_ids.mapped("result_package_id"), package, "the package leaves as a whole with the delivery"
        )
        self.assertEqual(line.picking_ids, out)
        self.assertEqual(out.number_of_packages, 1)
        self.assertAlmostEqual(package.shipping_weight, 2 * 1.25 + 0.5)
        quants = self.env["stock.quant"].search([("package_id", "=", package.id)])
        self.assertEqual(quants.mapped("location_id"), self.customer_location)
        self.assertEqual(sorted(quants.mapped("quantity")), [1.0, 2.0])
        self.assertEqual(order.order_line.mapped("qty_delivered"), [2.0, 1.0])
        self.assertEqual(wizard.shipped_picking_ids, out)

    def test_one_and_two_step_warehouses_pack_at_the_delivery(self):
        order1 = self._create_order([(self.tea_set, 1)], warehouse=self.wh1)
        order2 = self._create_order([(self.tea_set, 1)], warehouse=self.wh2)
        self.assertEqual(len(order1.picking_ids), 1)
        self.assertEqual(len(order2.picking_ids), 2)

        wizard = self._process(orders=order1 | order2)

        self.assertEqual(wizard.line_ids.mapped("result"), ["done", "done"])
        for order in (order1, order2):
            self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
            out = self._delivery(order)
            self.assertEqual(len(out.move_line_ids.mapped("result_package_id")), 1)
        pick = order2.picking_ids.filtered(lambda p: p.picking_type_id == self.wh2.pick_type_id)
        self.assertFalse(
            pick.move_line_ids.mapped("result_package_id"),
            "two steps: the goods are packed at the delivery, not at picking",
        )

    def test_selecting_a_delivery_order_runs_its_whole_chain(self):
        order = self._create_order([(self.tea_set, 1)], warehouse=self.wh3)
        out = self._delivery(order)
        self.assertEqual(out.state, "waiting")

        wizard = self._process(pickings=out)

        self.assertEqual(wizard.line_ids.result, "done")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})

    def test_only_the_remaining_steps_are_run(self):
        order = self._create_order([(self.tea_set, 3)], warehouse=self.wh3)
        pick = order.picking_ids.filtered(lambda p: p.picking_type_id == self.wh3.pick_type_id)
        self._validate_standard(pick)  # a picker did the first step with Odoo's buttons
        self.assertEqual(pick.state, "done")

        wizard = self._process(orders=order)

        self.assertEqual(wizard.line_ids.result, "done")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
        self.assertEqual(len(order.picking_ids), 3, "no backorder, nothing done twice")
        self.assertEqual(order.order_line.qty_delivered, 3.0)

    def test_bulk_selection_processes_available_orders_only(self):
        ok1 = self._create_order([(self.tea_set, 1)])
        ok2 = self._create_order([(self.tray, 2)])
        out_of_stock = self._create_order([(self.vase, 1)])
        before = self._snapshot(out_of_stock)

        wizard = self._process(orders=ok1 | ok2 | out_of_stock)

        self.assertEqual((wizard.done_count, wizard.partial_count, wizard.skipped_count), (2, 0, 1))
        self.assertEqual(set((ok1 | ok2).mapped("picking_ids.state")), {"done"})
        self.assertEqual(self._snapshot(out_of_stock), before)
        self.assertEqual(wizard.line_ids[0].sale_order_id, out_of_stock, "orders that need someone are listed first")

    # ------------------------------------------------------------------
    # orders left untouched, with the reason
    # ------------------------------------------------------------------
    def test_unavailable_goods_left_untouched_with_reason(self):
        order = self._create_order([(self.vase, 2)])
        before = self._snapshot(order)
        packages = self.env["stock.quant.package"].search_count([])

        wizard = self._process(orders=order)

        line = self._line(wizard, order)
        self.assertEqual(line.result, "skipped")
        self.assertIn("Not enough stock", line.reason)
        self.assertIn("Test Vase", line.reason)
        self.assertIn("0 of 2", line.reason)
        self.assertEqual(line.picking_ids, self._delivery(order))
        self.assertEqual(self._snapshot(order), before, "nothing changed on the order's transfers")
        self.assertEqual(self.env["stock.quant.package"].search_count([]), packages)
        self.assertFalse(
            self.env["stock.move.line"].search([("move_id", "in", order.picking_ids.mapped("move_lines").ids)])
        )
        self.assertFalse(wizard.shipped_picking_ids)

    def test_missing_address_left_untouched(self):
        partner = self._create_partner(name="No Street", street=False, city=False)
        order = self._create_order([(self.tea_set, 1)], partner=partner)
        before = self._snapshot(order)

        wizard = self._process(orders=order)

        line = self._line(wizard, order)
        self.assertEqual(line.result, "skipped")
        self.assertIn("Missing delivery address", line.reason)
        self.assertIn("street", line.reason)
        self.assertIn("city", line.reason)
        self.assertEqual(self._snapshot(order), before)

    def test_quotation_is_not_processed(self):
        quotation = self._create_order([(self.tea_set, 1)], confirm=False)

        wizard = self._process(orders=quotation)

        line = self._line(wizard, quotation)
        self.assertEqual(line.result, "skipped")
        self.assertIn("Quotation not confirmed", line.reason)
        self.assertEqual(quotation.state, "draft")
        self.assertFalse(quotation.picking_ids)

    def test_already_delivered_order_is_reported(self):
        order = self._create_order([(self.tea_set, 1)], warehouse=self.wh1)
        self._validate_standard(self._delivery(order))

        wizard = self._process(orders=order)

        self.assertEqual(wizard.line_ids.result, "skipped")
        self.assertIn("Already delivered", wizard.line_ids.reason)

    def test_error_in_a_step_rolls_the_whole_order_back(self):
        # a serial-numbered product counted without its serial numbers: the
        # pick step refuses it, so the order must stay exactly as it was
        camera = self._create_product("Serial Camera", "TST-CAM")
        camera.tracking = "serial"
        self._add_stock(camera, self.wh3, 1)
        order = self._create_order([(camera, 1)], warehouse=self.wh3)
        before = self._snapshot(order)

        wizard = self._process(orders=order)

        self.assertEqual(wizard.line_ids.result, "skipped")
        self.assertIn("Serial Camera", wizard.line_ids.reason)
        self.assertEqual(self._snapshot(order), before)
        self.assertEqual(set(order.picking_ids.mapped("state")), {"assigned", "waiting"})

    # ------------------------------------------------------------------
    # partial availability follows the shipping policy
    # ------------------------------------------------------------------
    def test_partial_stock_as_soon_as_possible_ships_and_creates_backorder(self):
        product = self._create_product("Scarce Lamp", "TST-LAMP", weight=1.0)
        self._add_stock(product, self.wh3, 3)
        order = self._create_order([(product, 5), (self.tea_set, 1)], warehouse=self.wh3, policy="direct")
        out = self._delivery(order)

        wizard = self._process(orders=order)

        line = self._line(wizard, order)
        self.assertEqual(line.result, "partial")
        self.assertEqual(out.state, "done")
        shipped = {m.product_id: m.quantity_done for m in out.move_lines if m.state == "done"}
        self.assertEqual(shipped, {product: 3.0, self.tea_set: 1.0})
        backorder = self.env["stock.picking"].search([("backorder_id", "=", out.id)])
        self.assertEqual(len(backorder), 1)
        self.assertEqual(backorder.state, "waiting")
        self.assertEqual(backorder.move_lines.product_id, product)
        self.assertEqual(backorder.move_lines.product_uom_qty, 2.0)
        self.assertIn(backorder.name, line.reason, "the partial shipment is never silent")
        self.assertIn("Scarce Lamp", line.reason)
        self.assertEqual(order.order_line.filtered(lambda line: line.product_id == product).qty_delivered, 3.0)

    def test_partial_stock_when_all_ready_waits_untouched(self):
        product = self._create_product("Scarce Bowl", "TST-BOWL")
        self._add_stock(product, self.wh3, 1)
        order = self._create_order([(product, 2), (self.tea_set, 1)], warehouse=self.wh3, policy="one")
        before = self._snapshot(order)

        wizard = self._process(orders=order)

        line = self._line(wizard, order)
        self.assertEqual(line.result, "skipped")
        self.assertIn("all products are ready", line.reason)
        self.assertIn("1 of 2", line.reason)
        self.assertEqual(self._snapshot(order), before)
        self.assertFalse(self.env["stock.picking"].search([("backorder_id", "in", order.picking_ids.ids)]))

    def test_backorder_is_processed_when_the_stock_arrives(self):
        product = self._create_product("Scarce Cup", "TST-CUP")
        self._add_stock(product, self.wh3, 1)
        order = self._create_order([(product, 3)], warehouse=self.wh3, policy="direct")
        self._process(orders=order)
        self._add_stock(product, self.wh3, 5)

        wizard = self._process(orders=order)

        self.assertEqual(wizard.line_ids.result, "done", wizard.line_ids.reason)
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
        self.assertEqual(order.order_line.qty_delivered, 3.0)

    # ------------------------------------------------------------------
    # double clicks, concurrent workers, rights
    # ------------------------------------------------------------------
    def test_double_click_processes_once(self):
        order = self._create_order([(self.tea_set, 1)])
        wizard = self._process(orders=order)
        packages = self.env["stock.quant.package"].search_count([])

        wizard.action_process()  # the second click of a double click

        self.assertEqual(len(wizard.line_ids), 1)
        self.assertEqual(self.env["stock.quant.package"].search_count([]), packages)
        self.assertEqual(len(order.picking_ids), 3)
        self.assertEqual(order.order_line.qty_delivered, 1.0)

    def test_second_batch_on_the_same_orders_ships_nothing_twice(self):
        order = self._create_order([(self.tea_set, 2)])
        self._process(orders=order)
        mails = self._shipped_mails(order.picking_ids)

        second = self._process(orders=order, pickings=order.picking_ids)

        self.assertEqual(second.line_ids.result, "skipped")
        self.assertIn("Already delivered", second.line_ids.reason)
        self.assertEqual(order.order_line.qty_delivered, 2.0)
        self.assertEqual(self._shipped_mails(order.picking_ids), mails)

    def test_salesman_without_inventory_rights_cannot_process(self):
        salesman = self.env["res.users"].create(
            {
                "name": "Sales Only",
                "login": "sales_only_delivery_flow",
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        order = self._create_order([(self.tea_set, 1)])
        with self.assertRaises(UserError):
            self._process(orders=order, user=salesman)
        self.assertEqual(self._delivery(order).state, "waiting")

    def test_wizard_opened_from_a_list_takes_the_selection(self):
        order = self._create_order([(self.tea_set, 1)])
        wizard = (
            self.env["soon.delivery.process"].with_context(active_model="sale.order", active_ids=order.ids).create({})
        )
        self.assertEqual(wizard.sale_order_ids, order)
        wizard = (
            self.env["soon.delivery.process"]
            .with_context(active_model="stock.picking", active_ids=order.picking_ids.ids)
            .create({})
        )
        self.assertEqual(wizard.picking_ids, order.picking_ids)
        self.assertEqual(wizard.selection_count, 3)
        for xmlid in (
            "soon_delivery_flow.soon_delivery_process_action_picking",
            "soon_delivery_flow.soon_delivery_process_action_sale_order",
        ):
            action = self.env.ref(xmlid)
            self.assertEqual(action.binding_model_id.model, action.src_model)
            self.assertEqual(action.res_model, "soon.delivery.process")
