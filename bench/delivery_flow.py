#!/usr/bin/env python
"""Benchmark of soon_delivery_flow (not a test; prints its figures).

1. "Process deliveries" on N orders of a warehouse with three delivery steps
   (pick, pack, ship): seconds and SQL queries per order, against the same
   orders done with Odoo's standard buttons one transfer at a time (Validate,
   the "Immediate transfer?" dialog, "Put in Pack" at the packing step), and
   the ratio of the two. The labels PDF of the N deliveries is timed apart.
2. The cost of the shipped-email hook: validating N one-step deliveries with
   the feature on against the feature off, interleaved in chunks so both
   sides see the same database; the overhead must stay within 10 %.

Everything runs in one transaction that is rolled back at the end: the
database is left as it was. Usage (from the repository root):

    .venv/bin/python bench/delivery_flow.py --db <database with soon_delivery_flow> [--orders 500] [--json out.json]

(-d/--database are still read, as deprecated aliases of --db.)
"""

import os
import sys
import time

import odoo
from _common import make_parser, write_json
from odoo import api

import soon_runtime  # noqa: F401  (Odoo 11 on Python 3.11)


class Bench:
    def __init__(self, env, orders):
        self.env = env
        self.queries = lambda: env.cr.sql_log_count
        self.n = orders
        self.company = env.user.company_id
        self.unit = env.ref("product.product_uom_unit")
        vietnam = env.ref("base.vn")
        self.partner = env["res.partner"].create(
            {
                "name": "Bench Customer",
                "street": "1 Le Loi",
                "city": "Hue",
                "country_id": vietnam.id,
                "phone": "0912 345 678",
                "email": "bench@example.com",
                "customer": True,
                "lang": "en_US",
            }
        )
        sender = env["res.partner"].create(
            {"name": "Bench Warehouse", "street": "2 Tran Phu", "city": "Da Nang", "country_id": vietnam.id}
        )
        # names unique per run: two benches on one database must not wait on each other
        tag = "%03d" % (os.getpid() % 1000)
        self.wh3 = env["stock.warehouse"].create(
            {
                "name": "Bench 3 steps %s" % tag,
                "code": "B3" + tag,
                "delivery_steps": "pick_pack_ship",
                "partner_id": sender.id,
            }
        )
        self.wh1 = env["stock.warehouse"].create(
            {
                "name": "Bench 1 step %s" % tag,
                "code": "B1" + tag,
                "delivery_steps": "ship_only",
                "partner_id": sender.id,
            }
        )
        self.products = env["product.product"]
        for i in range(3):
            product = env["product.product"].create(
                {
                    "name": "Bench product %d" % i,
                    "type": "product",
                    "weight": 0.5 + i,
                    "uom_id": self.unit.id,
                    "uom_po_id": self.unit.id,
                }
            )
            for warehouse in (self.wh3, self.wh1):
                env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100000)
            self.products |= product

    def orders(self, warehouse, count):
        orders = self.env["sale.order"]
        for i in range(count):
            lines = [
                (0, 0, {"product_id": p.id, "product_uom_qty": 1 + (i + j) % 3})
                for j, p in enumerate(self.products[: 1 + i % 3])
            ]
            order = self.env["sale.order"].create(
                {"partner_id": self.partner.id, "warehouse_id": warehouse.id, "order_line": lines}
            )
            order.action_confirm()
            orders |= order
        return orders

    # ------------------------------------------------------------------
    def run_standard_buttons(self, orders):
        Picking = self.env["stock.picking"]
        for order in orders:
            chain = self.env["soon.delivery.process"]._chain_order(order.picking_ids)
            for picking in chain:
                picking = Picking.browse(picking.id)
                if picking.picking_type_id == self.wh3.pack_type_id:
                    for line in picking.move_line_ids:
                        line.qty_done = line.product_uom_qty
                    picking.put_in_pack()
                self.validate(picking)

    def validate(self, picking):
        action = picking.button_validate()
        while isinstance(action, dict) and action.get("res_model"):
            action = self.env[action["res_model"]].browse(action["res_id"]).process()

    def run_process_deliveries(self, orders):
        wizard = self.env["soon.delivery.process"].create(
            {"sale_order_ids": [(6, 0, orders.ids)], "print_labels": False}
        )
        wizard.action_process()
        return wizard

    # ------------------------------------------------------------------
    def measure(self, function, *args):
        self.env["stock.picking"].invalidate_cache()
        queries, start = self.queries(), time.perf_counter()
        result = function(*args)
        self.env["stock.picking"].recompute()
        return time.perf_counter() - start, self.queries() - queries, result

    def chain_run(self, mode):
        """One mode on N fresh orders: 'standard' or 'process'."""
        orders = self.orders(self.wh3, self.n)
        if mode == "standard":
            seconds, queries, _ = self.measure(self.run_standard_buttons, orders)
        else:
            seconds, queries, wizard = self.measure(self.run_process_deliveries, orders)
            assert wizard.done_count == self.n, wizard.line_ids.mapped("reason")
        assert set(orders.mapped("picking_ids.state")) == {"done"}
        assert len(orders.mapped("picking_ids")) == 3 * self.n
        result = {"seconds": seconds, "queries": queries}
        if mode == "process":
            deliveries = wizard.shipped_picking_ids
            report = self.env.ref("soon_delivery_flow.action_report_shipping_label")
            start = time.perf_counter()
            pdf, _fmt = report.render_qweb_pdf(deliveries.ids)
            result["pdf_seconds"] = time.perf_counter() - start
            result["pdf_kib"] = len(pdf) // 1024
            assert pdf[:4] == b"%PDF"
        return result

    def email_run(self):
        orders = self.orders(self.wh1, 2 * self.n)
        deliveries = orders.mapped("picking_ids")
        times = {False: 0.0, True: 0.0}
        queries = {False: 0, True: 0}
        counts = {False: 0, True: 0}
        chunk = max(1, min(25, self.n // 10))
        todo = list(deliveries)
        enabled = False
        while todo:
            batch, todo = todo[:chunk], todo[chunk:]
            self.company.shipped_email_enabled = enabled
            for picking in batch:
                self.env["stock.picking"].invalidate_cache()
                q0, t0 = self.queries(), time.perf_counter()
                self.validate(picking)
                times[enabled] += time.perf_counter() - t0
                queries[enabled] += self.queries() - q0
                counts[enabled] += 1
            enabled = not enabled
        scheduled = deliveries.filtered(lambda p: p.shipped_email_state == "to_send")
        assert len(scheduled) == counts[True], (len(scheduled), counts)
        # the queue job then writes the emails, in batches, outside the validation
        q0, t0 = self.queries(), time.perf_counter()
        self.env["stock.picking"]._cron_send_shipped_emails()
        job_seconds, job_queries = time.perf_counter() - t0, self.queries() - q0
        mails = self.env["mail.mail"].search_count([("model", "=", "stock.picking"), ("res_id", "in", deliveries.ids)])
        assert mails == counts[True], (mails, counts)
        return {
            "times": times,
            "queries": queries,
            "counts": counts,
            "mails": mails,
            "job_seconds": job_seconds,
            "job_queries": job_queries,
        }


def report_chain(n, std, wiz):
    print()
    print("== Pick-pack-ship, %d orders (1 to 3 lines each), each mode on its own fresh orders ==" % n)
    print("%-42s %10s %12s %16s" % ("", "total s", "s / order", "queries / order"))
    print(
        "%-42s %10.1f %12.3f %16.0f"
        % ("Odoo's standard buttons, one by one", std["seconds"], std["seconds"] / n, std["queries"] / n)
    )
    print(
        "%-42s %10.1f %12.3f %16.0f"
        % ('"Process deliveries" (one action)', wiz["seconds"], wiz["seconds"] / n, wiz["queries"] / n)
    )
    print(
        "ratio Process deliveries / standard buttons: time %.2f, queries %.2f"
        % (wiz["seconds"] / std["seconds"], wiz["queries"] / std["queries"])
    )
    print(
        "shipping labels PDF of the %d deliveries (one wkhtmltopdf run): %.1f s, %d KiB"
        % (n, wiz["pdf_seconds"], wiz["pdf_kib"])
    )
    return {
        "orders": n,
        "standard_buttons": {
            "seconds": std["seconds"],
            "seconds_per_order": std["seconds"] / n,
            "queries_per_order": std["queries"] / n,
        },
        "process_deliveries": {
            "seconds": wiz["seconds"],
            "seconds_per_order": wiz["seconds"] / n,
            "queries_per_order": wiz["queries"] / n,
        },
        "ratio_time": wiz["seconds"] / std["seconds"],
        "ratio_queries": wiz["queries"] / std["queries"],
        "labels_pdf_seconds": wiz["pdf_seconds"],
        "labels_pdf_kib": wiz["pdf_kib"],
    }


def report_email(res):
    times, queries, counts = res["times"], res["queries"], res["counts"]
    off, on = times[False] / counts[False], times[True] / counts[True]
    q_off, q_on = queries[False] / counts[False], queries[True] / counts[True]
    overhead = on / off - 1
    print()
    print(
        "== Shipped email hook: %d deliveries validated with it on, %d with it off (interleaved) =="
        % (counts[True], counts[False])
    )
    print("%-20s %10s %14s %20s" % ("", "total s", "s / delivery", "queries / delivery"))
    print("%-20s %10.1f %14.4f %20.1f" % ("feature off", times[False], off, q_off))
    print("%-20s %10.1f %14.4f %20.1f" % ("feature on", times[True], on, q_on))
    print(
        "overhead of the email hook: %+.1f %% time, %+.1f %% queries (limit: +10 %% time)"
        % (overhead * 100, (q_on / q_off - 1) * 100)
    )
    print(
        "the queue job then wrote the %d emails in %.1f s (%.1f ms and %.1f queries per email, batches of 100)"
        % (
            res["mails"],
            res["job_seconds"],
            1000 * res["job_seconds"] / res["mails"],
            res["job_queries"] / float(res["mails"]),
        )
    )
    return {
        "feature_off": {
            "deliveries": counts[False],
            "seconds": times[False],
            "seconds_per_delivery": off,
            "queries_per_delivery": q_off,
        },
        "feature_on": {
            "deliveries": counts[True],
            "seconds": times[True],
            "seconds_per_delivery": on,
            "queries_per_delivery": q_on,
        },
        "overhead_time": overhead,
        "overhead_queries": q_on / q_off - 1,
        "overhead_limit": 0.10,
        "job_emails": res["mails"],
        "job_seconds": res["job_seconds"],
        "job_ms_per_email": 1000 * res["job_seconds"] / res["mails"],
        "job_queries_per_email": res["job_queries"] / float(res["mails"]),
    }


def main():
    parser = make_parser(__doc__.splitlines()[0], db_aliases=True)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--skip-chain", action="store_true")
    parser.add_argument("--skip-email", action="store_true")
    args, rest = parser.parse_known_args()
    odoo.tools.config.parse_config(["-d", args.db, "--log-level=warn"] + rest)
    registry = odoo.registry(args.db)

    def phase(function, *fargs):
        """Each measure on a fresh transaction, rolled back afterwards."""
        with api.Environment.manage(), registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            try:
                return function(Bench(env, args.orders), *fargs)
            finally:
                cr.rollback()

    with api.Environment.manage(), registry.cursor() as cr:
        # warm the report assets so rendering the labels never commits (Odoo
        # commits a newly generated asset bundle outside of tests)
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        done = env["stock.picking"].search(
            [
                ("state", "=", "done"),
                ("picking_type_id.code", "=", "outgoing"),
                ("location_dest_id.usage", "=", "customer"),
            ],
            limit=1,
        )
        if done:
            env.ref("soon_delivery_flow.action_report_shipping_label").render_qweb_pdf(done.ids)
        cr.rollback()

    ok = True
    figures = {"orders": args.orders}
    if not args.skip_chain:
        print("Pick-pack-ship: %d orders per mode..." % args.orders, flush=True)
        std = phase(Bench.chain_run, "standard")
        wiz = phase(Bench.chain_run, "process")
        figures["pick_pack_ship"] = report_chain(args.orders, std, wiz)
    if not args.skip_email:
        print("\nShipped email: 2 x %d one-step deliveries..." % args.orders, flush=True)
        figures["shipped_email"] = report_email(phase(Bench.email_run))
        ok = figures["shipped_email"]["overhead_time"] <= 0.10
    print("\n(all bench data rolled back)")
    figures["ok"] = ok
    write_json(args.json, figures)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
