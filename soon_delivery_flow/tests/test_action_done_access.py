# -*- coding: utf-8 -*-
"""``stock.picking.action_done`` is public (callable over RPC by anyone who can
name a picking): a finished delivery is never validated again, whoever asks,
and its date stays the day it left."""

from odoo.exceptions import AccessError, UserError

from .common import DeliveryFlowCase


class TestActionDoneAccess(DeliveryFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        groups = [cls.env.ref("base.group_user").id, cls.env.ref("sales_team.group_sale_salesman").id]
        cls.own_salesman = Users.create(
            {
                "name": "Own Documents Salesman",
                "login": "dlv_own_salesman",
                "email": "own@example.com",
                "groups_id": [(6, 0, groups)],
            }
        )
        cls.other_salesman = Users.create(
            {
                "name": "Other Salesman",
                "login": "dlv_other_salesman",
                "email": "other@example.com",
                "groups_id": [(6, 0, groups)],
            }
        )

    def _shipped_delivery(self):
        order = self._create_order([(self.tea_set, 1)], warehouse=self.wh1)
        order.user_id = self.other_salesman
        delivery = self._delivery(order)
        self._validate_standard(delivery)
        self.assertEqual(delivery.state, "done")
        delivery.date_done = "2020-01-02 03:04:05"
        return order, delivery

    def test_salesman_cannot_validate_someone_elses_finished_delivery_again(self):
        order, delivery = self._shipped_delivery()
        with self.assertRaises(AccessError):
            order.sudo(self.own_salesman).read(["name"])  # not their order
        with self.assertRaises(UserError):
            delivery.sudo(self.own_salesman).action_done()
        delivery.invalidate_cache()
        self.assertEqual(delivery.date_done, "2020-01-02 03:04:05")
        self.assertEqual(delivery.state, "done")

    def test_finished_transfers_are_never_validated_again(self):
        order, delivery = self._shipped_delivery()
        with self.assertRaisesRegex(UserError, "already done or cancelled"):
            delivery.action_done()
        self.assertEqual(delivery.date_done, "2020-01-02 03:04:05")
        cancelled = self._delivery(self._create_order([(self.tray, 1)], warehouse=self.wh1))
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "already done or cancelled"):
            cancelled.action_done()
        self.assertEqual(cancelled.state, "cancel")

    def test_validating_needs_write_access(self):
        order = self._create_order([(self.tea_set, 1)], warehouse=self.wh1)
        delivery = self._delivery(order)
        portal = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Portal Customer",
                    "login": "dlv_portal",
                    "email": "portal@example.com",
                    "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
                }
            )
        )
        with self.assertRaises(AccessError):
            delivery.sudo(portal).action_done()
        self.assertNotEqual(delivery.state, "done")
