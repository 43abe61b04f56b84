"""Shared test data for soon_returns: products with return policies, two
customers with portal users, delivered website orders, images; the refund
engine's test data (soon_payment_refund) on them, received returns."""

import io
from datetime import timedelta

from odoo import fields
from odoo.addons.soon_payment_refund.tests.common import RefundsDataMixin as BaseRefundsDataMixin
from odoo.tests import common
from PIL import Image

from soon_testing.common import make_confirmed_order, make_portal_user


def png_bytes(size=(40, 30), color=(10, 120, 200), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def days_ago(days):
    return fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))


class ReturnsDataMixin:
    """Builds the data of a test on ``self.env`` (plain or HTTP test cursor)."""

    def _setup_returns_data(self):
        env = self.env
        self.company = env.ref("base.main_company")
        self.company.write({"return_window_days": 30, "return_photo_max_mb": 1.0, "return_sla_submitted_hours": 48.0})
        self.reason_damaged = env.ref("soon_returns.return_reason_damaged")
        self.reason_changed = env.ref("soon_returns.return_reason_changed_mind")
        self.reason_other = env.ref("soon_returns.return_reason_other")
        self.reason_wrong = env.ref("soon_returns.return_reason_wrong_item")
        self.categ = env["product.category"].create({"name": "Returns test category"})
        Product = env["product.product"]
        self.product_a = Product.create(
            {"name": "Test Lamp", "type": "product", "categ_id": self.categ.id, "list_price": 50.0}
        )
        self.product_b = Product.create(
            {"name": "Test Chair", "type": "product", "categ_id": self.categ.id, "list_price": 80.0}
        )
        self.product_final = Product.create(
            {"name": "Test Earrings", "type": "product", "categ_id": self.categ.id, "return_policy": "final_sale"}
        )
        self.product_consu = Product.create({"name": "Test Napkins", "type": "consu", "categ_id": self.categ.id})
        self.customer = make_portal_user(self.env, "Returns Customer", "ret_customer", lang="en_US")
        self.stranger = make_portal_user(self.env, "Returns Stranger", "ret_stranger", lang="en_US")

    def _delivered_order(self, partner, products, delivered_days_ago=1):
        """A confirmed website order whose delivery was validated ``days`` ago."""
        order = make_confirmed_order(self.env, partner, products)
        when = days_ago(delivered_days_ago)
        for picking in order.picking_ids:
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()
            picking.write({"date_done": when})
            picking.move_lines.write({"date": when})
        return order

    def _line(self, order, product):
        return order.order_line.filtered(lambda sol: sol.product_id == product)

    def _form(self, order, lines, method="dropoff"):
        """Portal form values: ``lines`` = [(product, qty, reason, comment)]."""
        form = {"method": method}
        for product, qty, reason, comment in lines:
            line = self._line(order, product)
            form["qty-%d" % line.id] = str(qty)
            form["reason-%d" % line.id] = str(reason.id) if reason else ""
            form["comment-%d" % line.id] = comment or ""
        return form

    def _validate_return_pickings(self, request):
        for picking in request.picking_ids:
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()


# post-install under Odoo's runner, like the other add-ons' tests: the whole registry, as under pytest-odoo
@common.at_install(False)
@common.post_install(True)
class ReturnsCase(ReturnsDataMixin, common.SavepointCase):
    def setUp(self):
        super().setUp()
        self._setup_returns_data()
        self.order = self._delivered_order(self.customer.partner_id, [(self.product_a, 3), (self.product_b, 1)])
        self.line_a = self._line(self.order, self.product_a)
        self.line_b = self._line(self.order, self.product_b)
        self.Request = self.env["return.request"]


class RefundsDataMixin(ReturnsDataMixin, BaseRefundsDataMixin):
    """Paid website orders of returnable products (the refund engine's test
    data on the returns' products and customers), received returns."""

    def _setup_refund_base(self):
        self._setup_returns_data()

    def _setup_refund_data(self):
        result = super()._setup_refund_data()
        # no restocking fee unless a test sets one (the demo data sets one on "changed my mind")
        (self.reason_damaged | self.reason_changed | self.reason_other | self.reason_wrong).write(
            {"restocking_fee_policy": "category", "restocking_fee_value": 0.0}
        )
        return result

    def _received_return(self, order, lines):
        """A return of ``lines`` [(product, qty, reason)] approved and received."""
        request = self.env["return.request"]._portal_submit(
            order, self._form(order, [(product, qty, reason, "comment") for product, qty, reason in lines])
        )
        request._approve()
        self._validate_return_pickings(request)
        self.assertEqual(request.state, "received")
        return request


@common.at_install(False)
@common.post_install(True)
class RefundsCase(RefundsDataMixin, common.SavepointCase):
    def setUp(self):
        super().setUp()
        self._setup_refund_data()
