# -*- coding: utf-8 -*-
import re

from lxml import html
from odoo.tests import common

from ..models.res_config_settings import PARAMS

#: checkout and unpaid-order settings that the demo shop switches on
DEMO_SETTINGS = ("terms_required", "unpaid_reminder_days", "unpaid_cancel_days")


def reset_shop_settings(env):
    """Start from the add-on's defaults: the demo shop turns several settings on."""
    params = env["ir.config_parameter"].sudo()
    for name in DEMO_SETTINGS:
        params.set_param(PARAMS[name][0], False)


# post-install under Odoo's runner: with -u, at-install tests run before the add-ons that depend on this
# one are loaded while their columns exist (soon_returns' required payment_transaction.operation)
@common.at_install(False)
@common.post_install(True)
class EcommerceOrdersCase(common.SavepointCase):
    """Website orders built through the ORM, with exactly the data each test needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reset_shop_settings(cls.env)
        cls.website = cls.env.ref("website.default_website")
        cls.website_team = cls.env.ref("sales_team.salesteam_website_sales")
        cls.product = cls.env["product.product"].create(
            {
                "name": "SoOn Test Lamp",
                "type": "product",
                "list_price": 100.0,
                "website_published": True,
                "invoice_policy": "order",
            }
        )
        cls.stock_location = cls.env.ref("stock.stock_location_stock")
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock_location, 50)
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Nguyen Van An",
                "email": "an@example.com",
                "phone": "+84 91 234 56 78",
                "street": "1 Le Loi",
                "city": "Ho Chi Minh",
                "country_id": cls.env.ref("base.vn").id,
            }
        )
        cls.transfer = cls.env.ref("payment.payment_acquirer_transfer")
        cls.cod = cls.env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        cls.pay_in_store = cls.env.ref("soon_ecommerce_orders.payment_acquirer_pay_in_store")
        (cls.transfer | cls.cod | cls.pay_in_store).write({"website_published": True})

    @classmethod
    def make_order(cls, partner=None, qty=1, **values):
        vals = {
            "partner_id": (partner or cls.customer).id,
            "pricelist_id": cls.website.pricelist_id.id or cls.env.ref("product.list0").id,
            "team_id": cls.website_team.id,
            "website_order": True,
            "order_line": [
                (0, 0, {"product_id": cls.product.id, "product_uom_qty": qty, "price_unit": cls.product.list_price})
            ],
        }
        vals.update(values)
        return cls.env["sale.order"].create(vals)

    @classmethod
    def make_tx(cls, order, acquirer=None, state="draft", amount=None):
        tx = cls.env["payment.transaction"].create(
            {
                "acquirer_id": (acquirer or cls.cod).id,
                "amount": order.amount_total if amount is None else amount,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "partner_country_id": order.partner_id.country_id.id,
                "reference": "%s-%s" % (order.name, len(order.payment_tx_ids) + 1),
                "sale_order_id": order.id,
            }
        )
        order.payment_tx_id = tx
        if state != "draft":
            tx.state = state
        return tx


def csrf_token(page_html):
    """The CSRF token of the first form of an HTML page."""
    match = re.search(r'name="csrf_token"\s+value="([^"]+)"', page_html)
    assert match, "no csrf_token in page"
    return match.group(1)


def form_errors(page_html):
    """Fields marked in error and alert messages of a website form page."""
    tree = html.fromstring(page_html)
    fields = [node.get("name") for node in tree.xpath("//div[contains(@class, 'has-error')]//*[@name]")]
    messages = [
        " ".join(node.text_content().split())
        for node in tree.xpath("//*[contains(@class, 'alert-danger') or contains(@class, 'text-danger')]")
    ]
    return fields, messages
