# -*- coding: utf-8 -*-
"""Shared set-up for the soon_delivery_flow tests: a company with the shipped
email on, warehouses with 1, 2 and 3 delivery steps, products with stock,
customers, and helpers to confirm orders and validate transfers the way staff
do with Odoo's standard buttons."""

from odoo.tests import common


# post-install under Odoo's runner: with -u, at-install tests run before the add-ons that depend on this
# one are loaded while their columns exist (soon_returns' required payment_transaction.operation)
@common.at_install(False)
@common.post_install(True)
class DeliveryFlowCase(common.SavepointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # messages in English whatever the database user's language (the Vietnamese ones have their own test)
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, no_reset_password=True, lang="en_US"))
        cls.company = cls.env.user.company_id
        cls.company.write(
            {
                "shipped_email_enabled": True,
                "shipped_email_template_id": cls.env.ref("soon_delivery_flow.mail_template_delivery_shipped").id,
            }
        )
        cls.vietnam = cls.env.ref("base.vn")
        cls.france = cls.env.ref("base.fr")
        cls.unit = cls.env.ref("product.product_uom_unit")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")

        cls.sender = cls.env["res.partner"].create(
            {
                "name": "Kho Test Da Nang",
                "is_company": True,
                "street": "12 Nguyen Van Linh",
                "city": "Da Nang",
                "zip": "550000",
                "country_id": cls.vietnam.id,
                "phone": "+84 236 3888 999",
            }
        )
        cls.wh3 = cls._create_warehouse("Test Pick Pack Ship", "TPPS", "pick_pack_ship")
        cls.wh2 = cls._create_warehouse("Test Pick Ship", "TPS", "pick_ship")
        cls.wh1 = cls._create_warehouse("Test Ship Only", "TSO", "ship_only")

        cls.tea_set = cls._create_product("Test Tea Set", "TST-TEA", weight=1.25)
        cls.tray = cls._create_product("Test Tray", "TST-TRAY", weight=0.5)
        cls.vase = cls._create_product("Test Vase", "TST-VASE", weight=2.0)  # never in stock
        for warehouse in (cls.wh1, cls.wh2, cls.wh3):
            cls._add_stock(cls.tea_set, warehouse, 50)
            cls._add_stock(cls.tray, warehouse, 50)

        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Nguyen Van Test",
                "street": "25 Hang Bac",
                "city": "Ha Noi",
                "zip": "100000",
                "country_id": cls.vietnam.id,
                "phone": "0912 345 678",
                "email": "nguyen.test@example.com",
                "lang": "en_US",
                "customer": True,
            }
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Test Courier",
                "delivery_type": "fixed",
                "fixed_price": 5.0,
                "tracking_url_template": "https://tracking.example.com/parcel?code={ref}",
                "product_id": cls.env["product.product"]
                .create({"name": "Test Courier", "type": "service", "sale_ok": False})
                .id,
            }
        )

    # ------------------------------------------------------------------
    # data helpers
    # ------------------------------------------------------------------
    @classmethod
    def _create_warehouse(cls, name, code, steps):
        return cls.env["stock.warehouse"].create(
            {
                "name": name,
                "code": code,
                "delivery_steps": steps,
                "partner_id": cls.sender.id,
            }
        )

    @classmethod
    def _create_product(cls, name, code, weight=0.0):
        return cls.env["product.product"].create(
            {
                "name": name,
                "default_code": code,
                "type": "product",
                "weight": weight,
                "list_price": 10.0,
                "uom_id": cls.unit.id,
                "uom_po_id": cls.unit.id,
            }
        )

    @classmethod
    def _add_stock(cls, product, warehouse, qty):
        cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, qty)

    @classmethod
    def _create_partner(cls, **values):
        vals = {
            "name": "Customer",
            "street": "1 Le Loi",
            "city": "Hue",
            "country_id": cls.vietnam.id,
            "phone": "0912 345 678",
            "email": "customer@example.com",
            "lang": "en_US",
            "customer": True,
        }
        vals.update(values)
        return cls.env["res.partner"].create(vals)

    def _create_order(self, lines, warehouse=None, partner=None, policy="direct", carrier=None, confirm=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "warehouse_id": (warehouse or self.wh3).id,
                "picking_policy": policy,
                "carrier_id": carrier.id if carrier else False,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty}) for product, qty in lines],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _delivery(self, order):
        """The (first) delivery to the customer of an order."""
        return order.picking_ids.filtered(lambda p: p._is_customer_delivery()).sorted("id")[:1]

    def _process(self, orders=None, pickings=None, print_labels=False, user=None):
        Wizard = self.env["soon.delivery.process"]
        if user:
            Wizard = Wizard.sudo(user)
        wizard = Wizard.create(
            {
                "sale_order_ids": [(6, 0, orders.ids if orders else [])],
                "picking_ids": [(6, 0, pickings.ids if pickings else [])],
                "print_labels": print_labels,
            }
        )
        wizard.action_process()
        return wizard

    def _snapshot(self, order):
        """What "untouched" means: states, reservations and done quantities."""
        self.env["stock.picking"].invalidate_cache()
        moves = order.picking_ids.mapped("move_lines")
        return (
            sorted((p.id, p.state) for p in order.picking_ids),
            sorted((m.id, m.state, m.reserved_availability, m.quantity_done) for m in moves),
            sorted(moves.mapped("move_line_ids").ids),
            sorted(moves.mapped("move_line_ids.result_package_id").ids),
        )

    # ------------------------------------------------------------------
    # Odoo's standard buttons, one by one
    # ------------------------------------------------------------------
    def _validate_standard(self, picking, backorder=True):
        """Validate like a user: Validate, then the wizard Odoo opens."""
        action = picking.button_validate()
        while isinstance(action, dict) and action.get("res_model"):
            wizard = self.env[action["res_model"]].browse(action["res_id"])
            if action["res_model"] == "stock.backorder.confirmation":
                action = wizard.process() if backorder else wizard.process_cancel_backorder()
            else:
                action = wizard.process()
        return action

    def _set_done(self, picking, quantities):
        """Type done quantities on the detailed operations."""
        for line in picking.move_line_ids:
            if line.product_id in quantities:
                line.qty_done = quantities[line.product_id]

    def _run_email_queue(self):
        """What the "send the customers' shipped emails" job does every 5 minutes."""
        return self.env["stock.picking"]._cron_send_shipped_emails()

    def _shipped_mails(self, pickings, run_queue=True):
        if run_queue:
            self._run_email_queue()
        return self.env["mail.mail"].search([("model", "=", "stock.picking"), ("res_id", "in", pickings.ids)])
