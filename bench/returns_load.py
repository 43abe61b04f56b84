#!/usr/bin/env python
"""Load benchmark of the portal return form (soon_returns).

Starts Odoo in multi-worker mode (``--workers=2``) on a benchmark database,
creates N portal customers with one delivered order each, then lets the N
customers loop for D seconds: open their order page, open the return form,
submit a return of one unit (with a double click).  Prints requests/s, p50/p95 latency per page,
the number of errors (must be 0), checks in the database that no order line
has more requested than delivered, and the cost of the return form page
relative to the same customer's order page, measured in the same run.

Not a test: run it by hand, e.g.

    .venv/bin/python bench/returns_load.py                      # 8 customers, 60 s
    .venv/bin/python bench/returns_load.py --customers 4 --duration 20
    .venv/bin/python bench/returns_load.py --db bench_returns --json out.json

Each round of a customer opens both pages and then submits the form twice at
the same moment (a double click); each order has 12 units, so the customers
reach the end of what they may return during the run and later submissions
must be refused, never accepted beyond the delivered quantity.

The database (default ``bench_returns``) is created on first use by
installing soon_returns with its dependencies (a few minutes), then reused;
each run adds its own customers and orders.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import requests
from _common import ROOT, make_parser, odoo_data_dir, prepare_database, write_json

UNITS_PER_ORDER = 12


def parse_args():
    parser = make_parser(__doc__.split("\n\n")[0], db_default="bench_returns")
    parser.add_argument("--customers", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--addons-path", default=None, help="extra addons path (before the project's), e.g. a stable copy of add-ons"
    )
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_args(args):
    extra = ["--data-dir=%s" % odoo_data_dir(), "-d", args.db]
    if args.addons_path:
        import odoo  # noqa: F401 - locate the standard add-ons

        std = os.path.join(os.path.dirname(sys.modules["odoo"].__file__), "addons")
        extra.append("--addons-path=%s,%s" % (args.addons_path, std))
    return extra


def prepare_data(args, run_tag):
    """Customers with one delivered order each (committed)."""
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(odoo_args(args))
    registry = odoo.registry(args.db)
    customers = []
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        product = env["product.product"].create(
            {"name": "Bench lamp %s" % run_tag, "type": "product", "list_price": 20.0, "return_policy": "returnable"}
        )
        other = env["product.product"].create(
            {"name": "Bench shade %s" % run_tag, "type": "product", "list_price": 5.0, "return_policy": "returnable"}
        )
        portal = env.ref("base.group_portal")
        for index in range(args.customers):
            login = "bench_%s_%d" % (run_tag, index)
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": "Bench customer %d (%s)" % (index, run_tag),
                        "login": login,
                        "password": login,
                        "email": "%s@example.com" % login,
                        "groups_id": [(6, 0, [portal.id])],
                    }
                )
            )
            order = env["sale.order"].create(
                {
                    "partner_id": user.partner_id.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": UNITS_PER_ORDER}),
                        (0, 0, {"product_id": other.id, "product_uom_qty": 2}),
                    ],
                }
            )
            order.action_confirm()
            for move in order.picking_ids.mapped("move_lines"):
                move.quantity_done = move.product_uom_qty
            order.picking_ids.action_done()
            line = order.order_line.filtered(lambda sol: sol.product_id == product)
            customers.append({"login": login, "order_id": order.id, "line_id": line.id})
        reason = env.ref("soon_returns.return_reason_changed_mind").id
    return registry, customers, reason


def start_server(args, port):
    log = open(os.path.join(ROOT, ".soon", "bench_returns_server.log"), "w")
    proc = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "soon-odoo")]  # rlimits: runtime fix rlimit_integers
        + odoo_args(args)
        + [
            "--workers=%d" % args.workers,
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            "--http-port=%d" % port,
            "--db-filter=^%s$" % args.db,
            "--log-level=warn",
            "--limit-time-real=300",
            "--limit-time-cpu=300",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get("http://127.0.0.1:%d/web/login" % port, timeout=5).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit("the server did not start (see .soon/bench_returns_server.log)")


def stop_server(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


class Customer(threading.Thread):
    def __init__(self, base, info, reason, stats, stop_at, start_barrier):
        super().__init__(daemon=True)
        self.base, self.info, self.reason = base, info, reason
        self.stats, self.stop_at, self.start_barrier = stats, stop_at, start_barrier
        self.session = requests.Session()

    def record(self, kind, started, ok, detail=""):
        elapsed = time.perf_counter() - started
        with self.stats["lock"]:
            self.stats["latency"].setdefault(kind, []).append(elapsed)
            if not ok:
                self.stats["errors"].append("%s %s" % (kind, detail))

    def login(self):
        page = self.session.get(self.base + "/web/login", timeout=30).text
        token = CSRF_RE.search(page).group(1)
        response = self.session.post(
            self.base + "/web/login",
            data={"login": self.info["login"], "password": self.info["login"], "csrf_token": token, "redirect": "/my"},
            timeout=30,
        )
        response.raise_for_status()

    def one_round(self, measured=True):
        order_url = "%s/my/orders/%d" % (self.base, self.info["order_id"])
        started = time.perf_counter()
        response = self.session.get(order_url, timeout=60)
        if measured:
            self.record("order page", started, response.status_code == 200, response.status_code)
        started = time.perf_counter()
        response = self.session.get(order_url + "/return", timeout=60)
        if measured:
            self.record("return form", started, response.status_code == 200, response.status_code)
        match = CSRF_RE.search(response.text)
        if not match:
            if measured:
                self.record("submit", time.perf_counter(), False, "no form")
            return
        lid = self.info["line_id"]
        data = {
            "csrf_token": match.group(1),
            "method": "dropoff",
            "qty-%d" % lid: "1",
            "reason-%d" % lid: str(self.reason),
        }
        # a double click: the same form posted twice at the same moment
        clicks = [
            threading.Thread(target=self.submit, args=(order_url + "/return", data, measured)) for _click in range(2)
        ]
        for click in clicks:
            click.start()
        for click in clicks:
            click.join()

    def submit(self, url, data, measured):
        started = time.perf_counter()
        try:
            response = self.session.post(url, data=data, timeout=60, allow_redirects=False)
        except requests.RequestException as error:
            self.record("submit", started, False, repr(error))
            return
        if not measured:
            return
        if response.status_code == 303:
            self.record("submit", started, True)
            with self.stats["lock"]:
                self.stats["accepted"] += 1
        elif response.status_code == 200 and "o_return_error" in response.text:
            self.record("submit", started, True)
            with self.stats["lock"]:
                self.stats["refused"] += 1
        else:
            self.record("submit", started, False, response.status_code)

    def run(self):
        try:
            self.login()
            self.session.get("%s/my/orders/%d/return" % (self.base, self.info["order_id"]), timeout=120)
        except Exception as error:  # noqa: BLE001 - counted as an error
            with self.stats["lock"]:
                self.stats["errors"].append("login: %r" % error)
        self.start_barrier.wait()
        while time.perf_counter() < self.stop_at[0]:
            try:
                self.one_round()
            except Exception as error:  # noqa: BLE001 - counted as an error
                with self.stats["lock"]:
                    self.stats["errors"].append(repr(error))


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, int(round(q / 100.0 * len(values) + 0.5)) - 1))
    return values[index]


def check_database(registry, customers):
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT sol.id, sol.qty_delivered, sol.qty_return_reserved,
                   COALESCE(SUM(l.quantity) FILTER (WHERE r.state IN ('submitted', 'approved')), 0)
              FROM sale_order_line sol
              LEFT JOIN return_request_line l ON l.sale_line_id = sol.id
              LEFT JOIN return_request r ON r.id = l.request_id
             WHERE sol.id IN %s GROUP BY sol.id""",
            (tuple(c["line_id"] for c in customers),),
        )
        rows = cr.fetchall()
    over = [row for row in rows if row[3] > row[1] + 1e-6 or abs(row[2] - row[3]) > 1e-6]
    return sum(row[3] for row in rows), sum(row[1] for row in rows), over


def main():
    args = parse_args()
    prepare_database(args.db, "soon_returns", odoo_args(args))
    run_tag = uuid.uuid4().hex[:6]
    registry, customers, reason = prepare_data(args, run_tag)
    port = free_port()
    proc = start_server(args, port)
    base = "http://127.0.0.1:%d" % port
    stats = {"lock": threading.Lock(), "latency": {}, "errors": [], "accepted": 0, "refused": 0}
    try:
        barrier = threading.Barrier(args.customers + 1)
        stop_at = [float("inf")]
        threads = [Customer(base, info, reason, stats, stop_at, barrier) for info in customers]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        stop_at[0] = started + args.duration
        for thread in threads:
            thread.join(args.duration + 120)
        elapsed = time.perf_counter() - started
    finally:
        stop_server(proc)

    requested, delivered, over = check_database(registry, customers)
    total = sum(len(v) for v in stats["latency"].values())
    print(
        "\nsoon_returns portal load: %d customers, %.0f s, server --workers=%d"
        % (args.customers, elapsed, args.workers)
    )
    print("requests: %d  (%.1f requests/s)" % (total, total / elapsed))
    print("%-12s %8s %9s %9s %9s" % ("page", "count", "p50 ms", "p95 ms", "max ms"))
    figures = {
        "customers": args.customers,
        "seconds": elapsed,
        "workers": args.workers,
        "requests": total,
        "requests_per_s": total / elapsed,
        "pages": {},
    }
    for kind in ("order page", "return form", "submit"):
        values = stats["latency"].get(kind, [])
        figures["pages"][kind] = {
            "count": len(values),
            "p50_ms": pct(values, 50) * 1000,
            "p95_ms": pct(values, 95) * 1000,
            "max_ms": (max(values) if values else float("nan")) * 1000,
        }
        print(
            "%-12s %8d %9.1f %9.1f %9.1f"
            % (
                kind,
                len(values),
                pct(values, 50) * 1000,
                pct(values, 95) * 1000,
                (max(values) if values else float("nan")) * 1000,
            )
        )
    print("submissions accepted: %d, refused (nothing left to return): %d" % (stats["accepted"], stats["refused"]))
    print("errors: %d" % len(stats["errors"]))
    for error in stats["errors"][:10]:
        print("  ", error)
    print(
        "units requested in open returns: %g of %g delivered; lines over delivered or out of sync: %d"
        % (requested, delivered, len(over))
    )
    ratio = pct(stats["latency"].get("return form", []), 50) / pct(stats["latency"].get("order page", []), 50)
    print("return form / order page (p50): %.2f  (bar: <= 1.5)" % ratio)
    ok = not stats["errors"] and not over and requested == stats["accepted"] and ratio <= 1.5
    print("RESULT: %s" % ("OK" if ok else "FAILED"))
    figures.update(
        {
            "submissions_accepted": stats["accepted"],
            "submissions_refused": stats["refused"],
            "errors": len(stats["errors"]),
            "first_errors": stats["errors"][:10],
            "units_requested": requested,
            "units_delivered": delivered,
            "lines_over_delivered_or_out_of_sync": len(over),
            "ratio_return_form_vs_order_page_p50": ratio,
            "ratio_limit": 1.5,
            "ok": ok,
        }
    )
    write_json(args.json, figures)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
