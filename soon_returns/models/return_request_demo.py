"""Demo data builder: delivered orders of the portal demo customer with a
return in every state, paid with the demo acquirer and refunded through it,
made through the same methods the portal and the back office use (called once
from demo/return_demo.xml)."""

import io
from datetime import timedelta

from odoo import api, fields, models
from PIL import Image


class ReturnRequest(models.Model):
    _inherit = "return.request"

    @api.model
    def _demo_photo(self, color=(200, 60, 60)):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), color).save(buffer, format="PNG")
        return buffer.getvalue()

    @api.model
    def _demo_delivered_order(self, partner, products, days_ago):
        """Confirm a website order and deliver it ``days_ago`` days ago."""
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "team_id": self.env.ref("sales_team.salesteam_website_sales").id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty}) for product, qty in products],
            }
        )
        self._demo_pay(order)
        if order.state in ("draft", "sent"):
            order.action_confirm()
        when = fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days_ago))
        for picking in order.picking_ids:
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()
            picking.write({"date_done": when})
            picking.move_lines.write({"date": when})
        order.write({"date_order": when, "confirmation_date": when})
        return order

    @api.model
    def _demo_acquirer(self):
        return self.env.ref("soon_returns.payment_acquirer_soon_demo", raise_if_not_found=False)

    @api.model
    def _demo_can_refund(self):
        """Refunds need the accounting (a chart of accounts with a sales journal)."""
        return bool(self._demo_acquirer()) and bool(
            self.env["account.journal"].search([("type", "=", "sale")], limit=1)
        )

    @api.model
    def _demo_pay(self, order):
        """The customer pays with the demo acquirer, through its payment form's feedback."""
        acquirer = self._demo_acquirer()
        if not acquirer:
            return self.env["payment.transaction"]
        Tx = self.env["payment.transaction"]
        tx = Tx._check_or_create_sale_tx(order, acquirer)
        Tx.form_feedback(tx._soon_demo_form_data(), "soon_demo")
        return tx

    @api.model
    def _demo_website_order(self, partner, products):
        """A paid website order (cart, checkout, demo payment)."""
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "team_id": self.env.ref("sales_team.salesteam_website_sales").id,
                "website_order": True,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty}) for product, qty in products],
            }
        )
        self._demo_pay(order)
        return order

    @api.model
    def _demo_submit(self, order, lines, method="dropoff"):
        """``lines``: [(order line, qty, reason xmlid, comment, with photo)]."""
        form, files = {"method": method}, {}
        for line, qty, reason, comment, photo in lines:
            form["qty-%d" % line.id] = str(qty)
            form["reason-%d" % line.id] = str(self.env.ref(reason).id)
            form["comment-%d" % line.id] = comment
            if photo:
                files["photos-%d" % line.id] = [("photo.png", self._demo_photo())]
        return self._portal_submit(order, form, files)

    @api.model
    def _demo_receive(self, request):
        for picking in request.picking_ids:
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()

    @api.model
    def _demo_populate(self):
        partner = self.env.ref("base.partner_demo_portal")
        ref = self.env.ref
        ipad_mini, mouse, headphones = (
            ref("product.product_product_6"),
            ref("product.product_product_12"),
            ref("product.product_product_7"),
        )
        speaker, keyboard, ipad = (
            ref("product.product_product_5b"),
            ref("product.product_product_9"),
            ref("product.product_product_4"),
        )
        # 1. delivered two days ago, nothing returned yet: try the form here
        self._demo_delivered_order(partner, [(ipad_mini, 1), (mouse, 2), (headphones, 1)], 2)
        # 2. delivered 60 days ago: outside the 30-day window
        self._demo_delivered_order(partner, [(ipad, 1)], 60)
        # 3. one order per return state
        order = self._demo_delivered_order(partner, [(speaker, 2), (keyboard, 1)], 3)
        submitted = self._demo_submit(
            order,
            [
                (
                    order.order_line[0],
                    1,
                    "soon_returns.return_reason_damaged",
                    "The speaker crackles at any volume.",
                    True,
                )
            ],
        )
        # late: submitted three days ago, past the 48-hour review deadline
        three_days_ago = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=3)
        )
        submitted.write({"date_submitted": three_days_ago})

        order = self._demo_delivered_order(partner, [(keyboard, 1), (mouse, 1)], 5)
        approved = self._demo_submit(
            order, [(order.order_line[0], 1, "soon_returns.return_reason_changed_mind", "", False)], "pickup"
        )
        approved._approve()

        order = self._demo_delivered_order(partner, [(ipad_mini, 1)], 8)
        received = self._demo_submit(
            order,
            [(order.order_line[0], 1, "soon_returns.return_reason_wrong_item", "I ordered the silver one.", True)],
        )
        received._approve()
        self._demo_receive(received)

        order = self._demo_delivered_order(partner, [(mouse, 3)], 12)
        refunded = self._demo_submit(
            order,
            [
                (
                    order.order_line[0],
                    2,
                    "soon_returns.return_reason_not_as_described",
                    "The mice are not wireless as the page said.",
                    False,
                )
            ],
        )
        refunded._approve()
        self._demo_receive(refunded)
        if self._demo_can_refund():
            # refunded through the demo acquirer: credit note, outgoing payment, email
            order._get_refundable_transactions()[:1]._refund(return_request=refunded)
        else:
            refunded._set_refunded(self.env["account.invoice"])

        # refunded minus the 10% restocking fee of "changed my mind" (a line of the credit note)
        order = self._demo_delivered_order(partner, [(keyboard, 2)], 9)
        with_fee = self._demo_submit(
            order, [(order.order_line[0], 1, "soon_returns.return_reason_changed_mind", "", False)]
        )
        with_fee._approve()
        self._demo_receive(with_fee)
        if self._demo_can_refund():
            order._get_refundable_transactions()[:1]._refund(return_request=with_fee)

        order = self._demo_delivered_order(partner, [(speaker, 1)], 6)
        rejected = self._demo_submit(
            order, [(order.order_line[0], 1, "soon_returns.return_reason_changed_mind", "", False)]
        )
        rejected._reject("The speaker was used for several weeks; we can only take back unused items.")

        order = self._demo_delivered_order(partner, [(keyboard, 1)], 4)
        cancelled = self._demo_submit(
            order, [(order.order_line[0], 1, "soon_returns.return_reason_other", "Ordered twice by mistake.", False)]
        )
        cancelled._cancel()

        if self._demo_can_refund():
            # paid website orders: one to refund from its form, one partially refunded
            self._demo_website_order(partner, [(ipad_mini, 1), (mouse, 1)])
            partly = self._demo_website_order(partner, [(keyboard, 1), (headphones, 1)])
            payment = partly._get_refundable_transactions()[:1]
            payment._refund(amount=payment.currency_id.round(payment.amount / 4), reason="Late delivery: 25% back")

        self._cron_check_deadlines()
        return True
