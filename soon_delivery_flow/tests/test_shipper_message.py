# -*- coding: utf-8 -*-
"""Validating a delivery with a carrier that gives no tracking number (fixed
price, rules) no longer says "tracking number False" in the chatter."""

from .common import DeliveryFlowCase


class TestShipperMessage(DeliveryFlowCase):
    def _validated_delivery(self, tracking_ref=None):
        self._add_stock(self.tea_set, self.wh1, 5)
        order = self._create_order([(self.tea_set, 2)], warehouse=self.wh1, carrier=self.carrier)
        delivery = self._delivery(order)
        self.assertEqual(delivery.carrier_id, self.carrier)
        if tracking_ref:
            delivery.carrier_tracking_ref = tracking_ref
        delivery.action_assign()
        self._validate_standard(delivery)
        self.assertEqual(delivery.state, "done")
        return delivery

    def _shipper_messages(self, delivery):
        return [m.body for m in delivery.message_ids if "Shipment sent to carrier" in (m.body or "")]

    def test_no_tracking_number(self):
        delivery = self._validated_delivery()
        messages = self._shipper_messages(delivery)
        self.assertEqual(len(messages), 1, messages)
        self.assertNotIn("False", messages[0])
        self.assertNotIn("tracking number", messages[0])
        self.assertIn("Shipment sent to carrier Test Courier", messages[0])
        self.assertIn("Cost: 5.00", messages[0])

    def test_tracking_number_kept(self):
        delivery = self._validated_delivery(tracking_ref="EXP0012345VN")
        messages = self._shipper_messages(delivery)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("tracking number EXP0012345VN", messages[0])

    def test_no_tracking_number_in_vietnamese(self):
        self.env = self.env(context=dict(self.env.context, lang="vi_VN"))
        delivery = self._validated_delivery()
        bodies = [m.body for m in delivery.message_ids]
        self.assertFalse([b for b in bodies if "False" in (b or "")], bodies)
        self.assertTrue([b for b in bodies if "Test Courier" in (b or "")], bodies)
