"""Demo data builder: delivered orders of the portal demo customer with a
return in every state, made through the same methods the portal and the back
office use. Paid with the demo acquirer and refunded through it when the
demo acquirer (soon_payment_demo) is installed; otherwise the orders are
unpaid and the refunded return is marked refunded without money.

Demo databases only: ``return.request._demo_populate``, called once from
demo/return_demo.xml, imports this module; production databases never load it.
"""

import io
from datetime import timedelta

from odoo import fields
from PIL import Image


def _photo(env, color=(200, 60, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _delivered_order(env, partner, products, days_ago):
    """Confirm a website order and deliver it ``days_ago`` days ago."""
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "team_id": env.ref("sales_team.salesteam_website_sales").id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty}) for product, qty in products],
        }
    )
    _pay(env, order)
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


def _acquirer(env):
    return env.ref("soon_payment_demo.payment_acquirer_soon_demo", raise_if_not_found=False)


def _can_refund(env):
    """Refunds need the accounting (a chart of accounts with a sales journal)."""
    return bool(_acquirer(env)) and bool(env["account.journal"].search([("type", "=", "sale")], limit=1))


def _pay(env, order):
    """The customer pays with the demo acquirer, through its payment form's feedback."""
    acquirer = _acquirer(env)
    if not acquirer:
        return env["payment.transaction"]
    Tx = env["payment.transaction"]
    tx = Tx._check_or_create_sale_tx(order, acquirer)
    Tx.form_feedback(tx._soon_demo_form_data(), "soon_demo")
    return tx


def _website_order(env, partner, products):
    """A paid website order (cart, checkout, demo payment)."""
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "team_id": env.ref("sales_team.salesteam_website_sales").id,
            "website_order": True,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty}) for product, qty in products],
        }
    )
    _pay(env, order)
    return order


def _submit(env, order, lines, method="dropoff"):
    """``lines``: [(order line, qty, reason xmlid, comment, with photo)]."""
    form, files = {"method": method}, {}
    for line, qty, reason, comment, photo in lines:
        form["qty-%d" % line.id] = str(qty)
        form["reason-%d" % line.id] = str(env.ref(reason).id)
        form["comment-%d" % line.id] = comment
        if photo:
            files["photos-%d" % line.id] = [("photo.png", _photo(env))]
    return env["return.request"]._portal_submit(order, form, files)


def _receive(env, request):
    for picking in request.picking_ids:
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.action_done()


def populate(env):
    partner = env.ref("base.partner_demo_portal")
    ref = env.ref
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
    _delivered_order(env, partner, [(ipad_mini, 1), (mouse, 2), (headphones, 1)], 2)
    # 2. delivered 60 days ago: outside the 30-day window
    _delivered_order(env, partner, [(ipad, 1)], 60)
    # 3. one order per return state
    order = _delivered_order(env, partner, [(speaker, 2), (keyboard, 1)], 3)
    submitted = _submit(
        env,
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
    three_days_ago = fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=3))
    submitted.write({"date_submitted": three_days_ago})

    order = _delivered_order(env, partner, [(keyboard, 1), (mouse, 1)], 5)
    approved = _submit(
        env, order, [(order.order_line[0], 1, "soon_returns.return_reason_changed_mind", "", False)], "pickup"
    )
    approved._approve()

    order = _delivered_order(env, partner, [(ipad_mini, 1)], 8)
    received = _submit(
        env,
        order,
        [(order.order_line[0], 1, "soon_returns.return_reason_wrong_item", "I ordered the silver one.", True)],
    )
    received._approve()
    _receive(env, received)

    order = _delivered_order(env, partner, [(mouse, 3)], 12)
    refunded = _submit(
        env,
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
    _receive(env, refunded)
    if _can_refund(env):
        # refunded through the demo acquirer: credit note, outgoing payment, email
        order._get_refundable_transactions()[:1]._refund(return_request=refunded)
    else:
        refunded._set_refunded(env["account.invoice"])

    # refunded minus the 10% restocking fee of "changed my mind" (a line of the credit note)
    order = _delivered_order(env, partner, [(keyboard, 2)], 9)
    with_fee = _submit(env, order, [(order.order_line[0], 1, "soon_returns.return_reason_changed_mind", "", False)])
    with_fee._approve()
    _receive(env, with_fee)
    if _can_refund(env):
        order._get_refundable_transactions()[:1]._refund(return_request=with_fee)

    order = _delivered_order(env, partner, [(speaker, 1)], 6)
    rejected = _submit(env, order, [(order.order_line[0], 1, "soon_returns.return_reason_changed_mind", "", False)])
    rejected._reject("The speaker was used for several weeks; we can only take back unused items.")

    order = _delivered_order(env, partner, [(keyboard, 1)], 4)
    cancelled = _submit(
        env, order, [(order.order_line[0], 1, "soon_returns.return_reason_other", "Ordered twice by mistake.", False)]
    )
    cancelled._cancel()

    if _can_refund(env):
        # paid website orders: one to refund from its form, one partially refunded
        _website_order(env, partner, [(ipad_mini, 1), (mouse, 1)])
        partly = _website_order(env, partner, [(keyboard, 1), (headphones, 1)])
        payment = partly._get_refundable_transactions()[:1]
        payment._refund(amount=payment.currency_id.round(payment.amount / 4), reason="Late delivery: 25% back")

    env["return.request"]._cron_check_deadlines()
    return True
