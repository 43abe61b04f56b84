"""Benchmark: the eCommerce working lists on 200,000 orders.

Creates (once) a database with the SoOn add-ons, adds 200,000 sale orders
with bulk SQL (carts, quotations sent, orders; cash on delivery, paid,
refunded...), then times through the ORM:

* Unpaid Orders       (``is_unpaid_order = True``)
* Abandoned Carts     (``is_abandoned_cart = True``, this add-on's search)
* Paid not confirmed  (``is_paid_not_confirmed = True``)
* Odoo 11's own Abandoned Carts search (its domain on the same data),
  the baseline every figure is divided by.

For each: the median time of a full ``search`` (ids), of ``search_count`` and
of the first list page (``search(limit=80)``), and whether PostgreSQL's plan
scans sale_order sequentially, for the whole id list and for the first page
(the list view's query).  The first page must never scan; for the whole list,
PostgreSQL may rightly prefer a parallel sequential scan when a large share of
the table matches (the report says so).  Not a test: run it by hand,

    .venv/bin/python bench/ecommerce_orders.py [--db soon_bench_orders] [--orders 200000] [--keep] [--json out.json]
"""

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta

from _common import make_parser, odoo_data_dir, prepare_database, sh, write_json

MODULES = "website_sale,website_sale_stock,payment_transfer,account_invoicing,soon_ecommerce_orders"


def fill(env, orders):
    """Bulk-insert ``orders`` sale orders (and lines for carts with products)."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order")
    if cr.fetchone()[0] >= orders:
        return False
    cr.execute(
        "SELECT id FROM res_partner WHERE id = (SELECT res_id FROM ir_model_data WHERE module='base' "
        "AND name='public_partner')"
    )
    public_partner = cr.fetchone()[0]
    cr.execute("SELECT id FROM crm_team WHERE team_type='website' LIMIT 1")
    website_team = cr.fetchone()[0]
    cr.execute("SELECT id FROM crm_team WHERE team_type!='website' LIMIT 1")
    other_team = cr.fetchone()[0]
    cr.execute("SELECT id FROM product_pricelist LIMIT 1")
    pricelist = cr.fetchone()[0]
    cr.execute("SELECT id FROM stock_warehouse LIMIT 1")
    warehouse = cr.fetchone()[0]
    # the database has no demo data: one product, made through the ORM
    product = env["product.product"].create({"name": "Bench product", "type": "consu", "list_price": 10.0}).id
    cr.execute("SELECT id FROM product_uom LIMIT 1")
    uom = cr.fetchone()[0]
    # 2,000 customers
    cr.execute("""
        INSERT INTO res_partner (name, email, active, customer, type, display_name,
                                 invoice_warn, picking_warn, sale_warn)
        SELECT 'Bench customer ' || g, 'bench' || g || '@example.com', true, true, 'contact',
               'Bench customer ' || g, 'no-message', 'no-message', 'no-message'
          FROM generate_series(1, 2000) g
        RETURNING id
    """)
    partners = [row[0] for row in cr.fetchall()]
    cr.execute("CREATE TEMP TABLE bench_partner (n int, id int)")
    cr.execute(
        "INSERT INTO bench_partner SELECT ordinality, id FROM unnest(%s::int[]) WITH ORDINALITY AS t(id)", (partners,)
    )
    # status mix by g % 100: 0-54 draft carts, 55-69 sent, 70-94 sale, 95-98 cancel, 99 done
    # payment mix: sent -> pending; sale -> paid 80% / pending 20%; a few refunded; 3 paid-not-confirmed
    cr.execute(
        """
        INSERT INTO sale_order (name, date_order, partner_id, partner_invoice_id, partner_shipping_id,
                                pricelist_id, picking_policy, warehouse_id, company_id, state, team_id,
                                website_order, cart_last_activity, checkout_date, payment_status,
                                create_date, write_date)
        SELECT 'BENCH' || g,
               now() - (g %% 2160) * interval '1 hour',
               CASE WHEN g %% 100 < 55 AND g %% 7 = 0 THEN %(public)s ELSE p.id END,
               p.id, p.id, %(pricelist)s, 'direct', %(warehouse)s, 1,
               CASE WHEN g %% 100 < 55 THEN 'draft' WHEN g %% 100 < 70 THEN 'sent'
                    WHEN g %% 100 < 95 THEN 'sale' WHEN g %% 100 < 99 THEN 'cancel' ELSE 'done' END,
               CASE WHEN g %% 10 = 0 THEN %(other_team)s ELSE %(website_team)s END,
               g %% 10 != 0,
               now() - (g %% 2160) * interval '1 hour',
               CASE WHEN g %% 100 >= 55 THEN now() - (g %% 2160) * interval '1 hour' END,
               CASE WHEN g %% 100 < 55 THEN 'not_paid'
                    WHEN g %% 100 < 70 THEN (CASE WHEN g %% 50000 = 56 THEN 'paid' ELSE 'pending' END)
                    WHEN g %% 100 < 95 THEN (CASE WHEN g %% 5 = 0 THEN 'pending' WHEN g %% 97 = 0 THEN 'refunded'
                                                 ELSE 'paid' END)
                    ELSE 'not_paid' END,
               now(), now()
          FROM generate_series(1, %(orders)s) g
          JOIN bench_partner p ON p.n = 1 + g %% 2000
    """,
        {
            "public": public_partner,
            "pricelist": pricelist,
            "warehouse": warehouse,
            "other_team": other_team,
            "website_team": website_team,
            "orders": orders,
        },
    )
    # lines: every order but one cart in three has a product
    cr.execute(
        """
        INSERT INTO sale_order_line (order_id, name, price_unit, product_id, product_uom_qty, product_uom,
                                     customer_lead, state, company_id, create_date, write_date)
        SELECT so.id, 'Bench product', 10, %s, 1, %s, 0, so.state, 1, now(), now()
          FROM sale_order so
         WHERE so.name LIKE 'BENCH%%' AND (so.state != 'draft' OR so.id %% 3 != 0)
    """,
        (product, uom),
    )
    cr.execute("ANALYZE sale_order")
    cr.execute("ANALYZE sale_order_line")
    return True


def odoo11_abandoned_domain(env):
    """Odoo 11's own website_sale search for is_abandoned_cart = True."""
    from odoo.addons.soon_ecommerce_orders.models.settings_keys import PARAM_ABANDONED_DELAY

    delay = float(env["ir.config_parameter"].sudo().get_param(PARAM_ABANDONED_DELAY, "1.0"))
    limit = (datetime.utcnow() - timedelta(hours=delay)).strftime("%Y-%m-%d %H:%M:%S")
    return [
        ("date_order", "<=", limit),
        ("team_id.team_type", "=", "website"),
        ("state", "=", "draft"),
        ("partner_id.id", "!=", env.ref("base.public_partner").id),
        ("order_line", "!=", False),
    ]


def measure(env, domain, runs=5):
    Order = env["sale.order"]
    timings = {}
    for label, call in (
        ("search", lambda: Order.search(domain)),
        ("count", lambda: Order.search_count(domain)),
        ("first_page", lambda: Order.search(domain, limit=80)),
    ):
        values = []
        for _ in range(runs):
            env.cache.invalidate()
            start = time.perf_counter()
            result = call()
            values.append(time.perf_counter() - start)
        timings[label] = statistics.median(values)
        if label == "count":
            timings["rows"] = result
    query = Order._where_calc(domain)
    Order._apply_ir_rules(query, "read")
    from_clause, where_clause, params = query.get_sql()
    sql = "SELECT sale_order.id FROM %s WHERE %s ORDER BY sale_order.date_order DESC, sale_order.id DESC" % (
        from_clause,
        where_clause or "TRUE",
    )
    for label, suffix in (("", ""), ("_first_page", " LIMIT 80")):
        env.cr.execute("EXPLAIN " + sql + suffix, params)
        # long id lists (Odoo's way of searching one2many fields) are cut for the report
        plan = "\n".join(row[0] if len(row[0]) < 240 else row[0][:236] + " ..." for row in env.cr.fetchall())
        timings["seq_scan_on_sale_order" + label] = "Seq Scan on sale_order " in plan + " "
        timings["plan" + label] = plan
    return timings


def main():
    parser = make_parser(__doc__, db_default="soon_bench_orders", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=200000)
    parser.add_argument("--keep", action="store_true", help="keep the database for the next run")
    args = parser.parse_args()
    data_dir = odoo_data_dir()
    prepare_database(args.db, MODULES)

    import odoo

    odoo.tools.config.parse_config(["-d", args.db, "--data-dir=" + data_dir, "--log-level=warn"])
    registry = odoo.registry(args.db)
    from odoo.addons.soon_ecommerce_orders.models.settings_keys import PARAM_ABANDONED_DELAY

    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        filled = fill(env, args.orders)
        cr.commit()
        env["ir.config_parameter"].sudo().set_param(PARAM_ABANDONED_DELAY, "24.0")
        cr.execute("SELECT count(*) FROM sale_order")
        total = cr.fetchone()[0]
        cases = {
            "odoo11_abandoned_carts": odoo11_abandoned_domain(env),
            "abandoned_carts": [("is_abandoned_cart", "=", True)],
            "unpaid_orders": [("is_unpaid_order", "=", True)],
            "paid_not_confirmed": [("is_paid_not_confirmed", "=", True)],
        }
        results = {name: measure(env, domain) for name, domain in cases.items()}
        cr.rollback()
    base = results["odoo11_abandoned_carts"]
    print("sale orders: %d%s" % (total, " (just filled)" if filled else ""))
    print(
        "%-24s %8s %10s %10s %12s %9s %15s"
        % ("search", "rows", "search ms", "count ms", "1st page ms", "vs odoo11", "seq scan all/1st")
    )
    yes = {True: "YES", False: "no"}
    for name, r in results.items():
        print(
            "%-24s %8d %10.1f %10.1f %12.1f %8.2fx %15s"
            % (
                name,
                r["rows"],
                r["search"] * 1000,
                r["count"] * 1000,
                r["first_page"] * 1000,
                r["search"] / base["search"],
                "%s/%s" % (yes[r["seq_scan_on_sale_order"]], yes[r["seq_scan_on_sale_order_first_page"]]),
            )
        )
    for name, r in results.items():
        print(
            "\n-- plan: %s (all ids)\n%s\n-- plan: %s (first page)\n%s" % (name, r["plan"], name, r["plan_first_page"])
        )
    # the figures printed above: per search, its timings (s), rows, ratio and plans
    figures = {"sale_orders": total, "just_filled": filled, "searches": results}
    for r in results.values():
        r["vs_odoo11"] = r["search"] / base["search"]
    write_json(args.json, figures)
    if not args.keep:
        odoo.sql_db.close_all()
        sh("dropdb", args.db)
    bad = [
        name
        for name, r in results.items()
        if name != "odoo11_abandoned_carts" and r["seq_scan_on_sale_order_first_page"]
    ]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
