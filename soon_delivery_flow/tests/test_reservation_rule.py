# -*- coding: utf-8 -*-
"""Orders paid on pickup or by bank transfer stay quotations and reserve
nothing until someone confirms them (the document's reservation rule)."""

from .common import DeliveryFlowCase


class TestReservationRule(DeliveryFlowCase):
    def _reserved(self, product):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "child_of", self.wh1.view_location_id.id)]
        )
        return sum(quants.mapped("reserved_quantity"))

    def test_transfer_order_reserves_nothing_until_confirmed(self):
        product = self._create_product("Transfer Lamp", "TST-TLAMP")
        self._add_stock(product, self.wh1, 5)
        order = self._create_order([(product, 2)], warehouse=self.wh1, confirm=False)
        order.team_id = self.env.ref("sales_team.salesteam_website_sales")
        acquirer = self.env.ref("payment.payment_acquirer_transfer")
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

        # the customer chose "bank transfer" at checkout: Odoo's feedback flow
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

        # the shop receives the transfer and confirms the order by hand
        order.action_confirm()

        moves = self.env["stock.move"].search([("sale_line_id", "in", order.order_line.ids)])
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves.state, "assigned")
        self.assertEqual(self._reserved(product), 2.0)
        self.assertEqual(self._delivery(order).state, "assigned")
