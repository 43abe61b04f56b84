# -*- coding: utf-8 -*-
"""Orders paid on delivery or in store stay quotations and reserve
nothing until someone confirms them (the document's reservation rule)."""

from .common import DeliveryFlowCase


class TestReservationRule(DeliveryFlowCase):
    def _reserved(self, product):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "child_of", self.wh1.view_location_id.id)]
        )
        return sum(quants.mapped("reserved_quantity"))

    def test_pay_later_order_reserves_nothing_until_confirmed(self):
        """The add-on's own pay-later methods: Cash on Delivery and Pay in Store."""
        for xmlid in (
            "soon_ecommerce_orders.payment_acquirer_cash_on_delivery",
            "soon_ecommerce_orders.payment_acquirer_pay_in_store",
        ):
            with self.subTest(acquirer=xmlid):
                self._check_pay_later(self.env.ref(xmlid))

    def _check_pay_later(self, acquirer):
        product = self._create_product("Pay Later Lamp %s" % acquirer.id, "TST-PLAMP-%s" % acquirer.id)
        self._add_stock(product, self.wh1, 5)
        order = self._create_order([(product, 2)], warehouse=self.wh1, confirm=False)
        order.team_id = self.env.ref("sales_team.salesteam_website_sales")
        tx = self.env["payment.transaction"].create(
            {
                "acquirer_id": acquirer.id,
                "reference": "SOON-TEST-%s" % order.name,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "sale_order_id": order.id,
            }
        )

        # the customer chose the pay-later method at checkout: Odoo's feedback flow
        self.env["payment.transaction"].form_feedback(
            {
                "reference": tx.reference,
                "amount": "%.2f" % order.amount_total,
                "currency_name": order.currency_id.name,
                "currency": order.currency_id.name,
            },
            "transfer",
        )

        self.assertEqual(tx.state, "pending")
        self.assertEqual(order.state, "sent", "a quotation (sent), not an order")
        self.assertEqual(order.payment_status, "pending")
        moves = self.env["stock.move"].search([("sale_line_id", "in", order.order_line.ids)])
        self.assertFalse(moves, "no stock move exists before confirmation")
        self.assertFalse(order.picking_ids)
        self.assertEqual(self._reserved(product), 0.0)
        self.assertEqual(product.with_context(warehouse=self.wh1.id).virtual_available, 5.0)
        # "Process deliveries" leaves it alone and says why
        wizard = self._process(orders=order)
        self.assertEqual(wizard.line_ids.result, "skipped")
        self.assertIn("Quotation not confirmed", wizard.line_ids.reason)
        self.assertFalse(order.picking_ids)

        # the shop confirms the order by hand: "Confirm and Reserve"
        order.action_confirm_and_reserve()

        self.assertEqual(order.state, "sale")
        self.assertEqual(order.payment_status, "pending", "confirmed, still to be paid")
        moves = self.env["stock.move"].search([("sale_line_id", "in", order.order_line.ids)])
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves.state, "assigned")
        self.assertEqual(self._reserved(product), 2.0)
        self.assertEqual(self._delivery(order).state, "assigned")
