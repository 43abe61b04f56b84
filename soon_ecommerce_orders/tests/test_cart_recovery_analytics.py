# -*- coding: utf-8 -*-
"""Recovery analytics: reminders sent, carts recovered, recovered revenue and
recovery rate by month and by reminder."""

from soon_testing.common import make_user

from .cart_recovery_common import CartRecoveryCase, ago


class TestCartRecoveryAnalytics(CartRecoveryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reminder = cls.env["sale.cart.recovery.reminder"]
        cls.Report = cls.env["sale.cart.recovery.report"]
        # start from an empty log (demo data may hold reminders)
        cls.Reminder.search([]).unlink()

    def remind(self, cart, step, when):
        return self.Reminder.create({"order_id": cart.id, "partner_id": cart.partner_id.id, "step": step, "date": when})

    def confirm(self, cart, when):
        cart.action_confirm()
        cart.confirmation_date = when

    def figures(self, groupby, domain=()):
        self.Report.invalidate_cache()
        groups = self.Report.read_group(
            list(domain),
            [groupby.split(":")[0], "reminder_count", "recovered_count", "recovered_amount", "recovery_rate"],
            [groupby],
            lazy=False,
        )
        return {
            group[groupby]: (
                group["reminder_count"],
                group["recovered_count"],
                group["recovered_amount"],
                group["recovery_rate"],
            )
            for group in groups
        }

    def test_recovery_by_step_and_month(self):
        # A: reminded once (step 1), ordered after it
        a = self.make_cart(qty=2)  # 200.00 untaxed
        self.remind(a, 1, "2024-03-05 10:00:00")
        self.confirm(a, "2024-03-05 18:00:00")
        # B: reminded twice, ordered after the second: credited to reminder 2
        b = self.make_cart(qty=1)  # 100.00
        self.remind(b, 1, "2024-03-10 10:00:00")
        self.remind(b, 2, "2024-03-11 10:00:00")
        self.confirm(b, "2024-04-02 09:00:00")
        # C: reminded once, never ordered
        c = self.make_cart(qty=5)
        self.remind(c, 1, "2024-04-01 10:00:00")
        # D: reminded, then cancelled
        d = self.make_cart(qty=3)
        self.remind(d, 1, "2024-04-03 10:00:00")
        d.action_cancel()
        # E: confirmed before the (manual) reminder: not a recovery
        e = self.make_cart(qty=4)
        self.confirm(e, "2024-04-04 09:00:00")
        self.remind(e, 1, "2024-04-04 10:00:00")
        # F: ordered without any reminder: not in the analysis at all
        f = self.make_cart(qty=7)
        self.confirm(f, "2024-04-05 09:00:00")

        by_step = self.figures("step")
        self.assertEqual(by_step[1], (5, 1, 200.0, 20.0))
        self.assertEqual(by_step[2], (1, 1, 100.0, 100.0))

        by_month = self.figures("date:month")
        self.assertEqual(len(by_month), 2)
        march = next(v for k, v in by_month.items() if k.lower().startswith("march"))
        april = next(v for k, v in by_month.items() if k.lower().startswith("april"))
        self.assertEqual(march, (3, 2, 300.0, 2 * 100.0 / 3))  # recoveries counted at their reminder's month
        self.assertEqual(april, (3, 0, 0.0, 0.0))

        self.assertFalse(self.Report.search([("order_id", "=", f.id)]))
        recovered = self.Report.search([("recovered_count", "=", 1)])
        self.assertEqual(recovered.mapped("order_id"), a | b)
        self.assertEqual(self.Report.search([("order_id", "=", b.id), ("recovered_count", "=", 1)]).step, 2)

    def test_dashboard_shows_the_last_30_days(self):
        recent = self.make_cart(qty=2)
        self.remind(recent, 1, ago(days=3))
        self.confirm(recent, ago(days=2))
        waiting = self.make_cart()
        self.remind(waiting, 1, ago(days=1))
        old = self.make_cart(qty=9)
        self.remind(old, 1, ago(days=45))
        self.confirm(old, ago(days=44))
        figures = self.Report._dashboard_figures(30)
        self.assertEqual(figures, {"days": 30, "reminders": 2, "recovered": 1, "revenue": 200.0, "rate": 50.0})

    def test_reminders_from_the_job_feed_the_analysis(self):
        cart = self.make_cart(qty=2)
        self.run_job()
        domain = [("order_id", "=", cart.id)]  # the job also reminds the demo carts
        self.assertEqual(self.figures("step", domain)[1][:2], (1, 0))
        cart.action_confirm()
        self.assertEqual(self.figures("step", domain)[1], (1, 1, 200.0, 100.0))

    def test_salesperson_sees_the_reminders_of_their_orders(self):
        group = "sales_team.group_sale_salesman"
        seller = make_user(self.env, "Own Seller", "soon_own_seller", group)
        other = make_user(self.env, "Other Seller", "soon_other_seller", group)
        mine = self.make_cart(user_id=seller.id)
        theirs = self.make_cart(user_id=other.id)
        self.remind(mine, 1, ago(hours=2))
        self.remind(theirs, 1, ago(hours=2))
        visible = self.Reminder.sudo(seller).search([])
        self.assertEqual(visible.mapped("order_id"), mine)
        self.assertEqual(self.Report.sudo(seller).search([]).mapped("order_id"), mine)
        self.assertEqual(self.Report.sudo(seller)._dashboard_figures(30)["reminders"], 1)
        manager = make_user(self.env, "Manager", "soon_sales_manager", "sales_team.group_sale_manager")
        self.assertEqual(self.Reminder.sudo(manager).search([]).mapped("order_id"), mine | theirs)
