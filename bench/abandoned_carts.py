"""Benchmark: the abandoned-cart reminder job on 1,000,000 sale orders.

Creates a dedicated database (dropped at the end unless --keep) with the SoOn
eCommerce add-on and no demo data, fills it with bulk SQL:

* 1,000,000 sale orders, 1 line each (empty carts excepted), 300,000 payment
  transactions, 55,000 customers;
* 100,000 of the orders are website carts (draft), of which 20,000 qualify for
  a reminder; the 80,000 others each fail one rule: anonymous visitor, changed
  less than an hour ago, changed before the feature was switched on, older
  than the maximum age, already reminded, customer without email address,
  unsubscribed customer, only free products, a pending payment, customer who
  ordered since, empty cart.

Then measures, in one run:

1. the job's selection (EXPLAIN ANALYZE of one batch query, and the whole
   keyset walk over the 20,000 eligible carts, without sending);
2. Odoo 11's own ``is_abandoned_cart`` search (website_sale's domain, plus
   "recovery email not sent") on the same data: the baseline of the ratios;
   and that search followed by the checks modern Odoo applies in Python
   (email, failed payment, non-zero price, later order) to get the same set;
3. the job sending the 20,000 reminders (queued mail.mail, committed per
   batch): time per 1,000 emails and the worker's memory (RSS) as it goes;
4. one job run when no cart is eligible any more (selection only).

Not a test: run it by hand,

    .venv/bin/python bench/abandoned_carts.py [--db soon_bench_carts] [--orders 1000000] [--keep] [--json out.json]
"""

import argparse
import resource
import statistics
import time
from datetime import datetime, timedelta

from _common import make_parser, odoo_data_dir, prepare_database, sh, write_json

MODULES = "website_sale,website_sale_stock,payment_transfer,account_invoicing,soon_ecommerce_orders"


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def fill(env, orders, carts):
    """Bulk SQL; returns False when the database is already filled."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order")
    if cr.fetchone()[0] >= orders:
        reset(cr)
        return False
    product = env["product.product"].create({"name": "Bench Lamp", "type": "consu", "list_price": 10.0})
    refs = {
        "public": env.ref("base.public_partner").id,
        "website_team": env.ref("sales_team.salesteam_website_sales").id,
        "other_team": env["crm.team"].search([("team_type", "!=", "website")], limit=1).id,
        "pricelist": env["product.pricelist"].search([], limit=1).id,
        "warehouse": env["stock.warehouse"].search([], limit=1).id,
        "product": product.id,
        "uom": product.uom_id.id,
        "acquirer": env.ref("payment.payment_acquirer_transfer").id,
        "currency": env.ref("base.main_company").currency_id.id,
        "country": env.ref("base.vn").id,
        "carts": carts,
    }
    cr.execute("CREATE TEMP TABLE bench_partner (kind text, n int, id int)")
    for kind, count, email, extra in (
        ("regular", 50000, True, ""),
        ("no_email", 2000, False, ""),
        ("opt_out", 1000, True, "optout"),
        ("ordered", 2000, True, ""),
    ):
        cr.execute(
            """
            WITH created AS (
                INSERT INTO res_partner (name, display_name, email, active, customer, type, lang,
                                         cart_recovery_opt_out, invoice_warn, picking_warn, sale_warn,
                                         create_date, write_date)
                SELECT 'Bench %(kind)s ' || g, 'Bench %(kind)s ' || g,
                       CASE WHEN %(email)s THEN 'bench.%(kind)s.' || g || '@example.com' END,
                       true, true, 'contact', 'en_US', %(optout)s, 'no-message', 'no-message', 'no-message',
                       now(), now()
                  FROM generate_series(1, %(count)s) g
                RETURNING id
            )
            INSERT INTO bench_partner SELECT %(kind_s)s, row_number() OVER (ORDER BY id), id FROM created
        """
            % {
                "kind": kind,
                "email": "true" if email else "false",
                "optout": "true" if extra else "false",
                "count": count,
                "kind_s": "'%s'" % kind,
            }
        )
    cr.execute("CREATE UNIQUE INDEX ON bench_partner (kind, n)")
    cr.execute("ANALYZE bench_partner")
    # cart categories by g % 100 (g <= carts), kept in client_order_ref ('bench-cart-NN'):
    #  0-19 eligible | 20-49 public visitor | 50-59 changed < 1 h ago | 60-64 changed before activation
    #  65-69 older than the maximum age | 70-79 already reminded | 80-84 no email | 85-87 unsubscribed
    #  88-91 free products | 92-94 pending payment | 95-97 customer ordered since | 98-99 empty cart
    # other orders: 60% confirmed, 10% quotation sent, 10% cancelled, 20% back-office quotations,
    # all older than 60 days
    refs["generated"] = orders - 2000
    cr.execute(
        """
        INSERT INTO sale_order (name, date_order, create_date, write_date, partner_id, partner_invoice_id,
                                partner_shipping_id, pricelist_id, picking_policy, warehouse_id, company_id,
                                state, team_id, website_order, cart_last_activity, cart_recovery_step,
                                cart_recovery_last_date, cart_recovery_email_sent, confirmation_date,
                                checkout_date, payment_status, access_token, client_order_ref,
                                amount_untaxed, amount_tax, amount_total)
        SELECT 'BENCH' || g, o.created, o.created, o.created, o.partner, o.partner, o.partner,
               %(pricelist)s, 'direct', %(warehouse)s, 1, o.state,
               CASE WHEN o.website THEN %(website_team)s ELSE %(other_team)s END,
               o.website, CASE WHEN o.is_cart THEN o.activity END,
               CASE WHEN o.is_cart AND o.cat BETWEEN 70 AND 79 THEN 1 ELSE 0 END,
               CASE WHEN o.is_cart AND o.cat BETWEEN 70 AND 79 THEN o.activity + interval '1 hour' END,
               o.is_cart AND o.cat BETWEEN 70 AND 79,
               CASE WHEN o.state IN ('sale', 'done') THEN o.created END,
               CASE WHEN o.state = 'sent' THEN o.created END,
               'not_paid', md5(g::text),
               CASE WHEN o.is_cart THEN 'bench-cart-' || lpad(o.cat::text, 2, '0') END,
               o.amount, 0, o.amount
          FROM generate_series(1, %(generated)s) g
          CROSS JOIN LATERAL (SELECT (now() at time zone 'utc') AS t, g %% 100 AS cat, g <= %(carts)s AS is_cart) b
          CROSS JOIN LATERAL (
              SELECT b.cat, b.is_cart,
                     CASE WHEN NOT b.is_cart THEN 'regular'
                          WHEN b.cat BETWEEN 80 AND 84 THEN 'no_email'
                          WHEN b.cat BETWEEN 85 AND 87 THEN 'opt_out'
                          WHEN b.cat BETWEEN 95 AND 97 THEN 'ordered'
                          ELSE 'regular' END AS kind,
                     CASE WHEN b.is_cart THEN 'draft'
                          WHEN g %% 10 < 6 THEN 'sale' WHEN g %% 10 = 6 THEN 'sent'
                          WHEN g %% 10 = 7 THEN 'cancel' ELSE 'draft' END AS state,
                     b.is_cart OR g %% 10 < 7 AS website,
                     -- carts: last change within the 19 days since activation, except the
                     -- "young", "before activation" and "too old" categories
                     CASE WHEN NOT b.is_cart THEN b.t - interval '60 days' - (g %% 300) * interval '1 day'
                          WHEN b.cat BETWEEN 50 AND 59 THEN b.t - (g %% 50) * interval '1 minute'
                          WHEN b.cat BETWEEN 60 AND 64 THEN b.t - interval '25 days'
                          WHEN b.cat BETWEEN 65 AND 69 THEN b.t - interval '40 days'
                          ELSE b.t - interval '2 hours' - (g %% 27000) * interval '1 minute' END AS activity
          ) a
          CROSS JOIN LATERAL (
              SELECT a.*,
                     CASE WHEN a.is_cart AND a.cat BETWEEN 20 AND 49 THEN %(public)s
                          ELSE (SELECT id FROM bench_partner bp WHERE bp.kind = a.kind
                                   AND bp.n = 1 + g %% (CASE a.kind WHEN 'regular' THEN 50000 WHEN 'opt_out' THEN 1000
                                                                   ELSE 2000 END)) END AS partner,
                     CASE WHEN a.is_cart THEN a.activity - interval '1 day' ELSE a.activity END AS created,
                     CASE WHEN a.is_cart AND a.cat BETWEEN 88 AND 91 OR a.is_cart AND a.cat >= 98 THEN 0
                          ELSE 10 END AS amount
          ) o
    """,
        refs,
    )
    # the customers who "ordered since": an order confirmed 10 minutes ago each
    cr.execute(
        """
        INSERT INTO sale_order (name, date_order, create_date, write_date, partner_id, partner_invoice_id,
                                partner_shipping_id, pricelist_id, picking_policy, warehouse_id, company_id,
                                state, team_id, website_order, confirmation_date, payment_status, access_token,
                                amount_untaxed, amount_tax, amount_total)
        SELECT 'BENCHORD' || bp.n, t, t, t, bp.id, bp.id, bp.id, %(pricelist)s, 'direct', %(warehouse)s, 1,
               'sale', %(website_team)s, true, t, 'not_paid', md5('o' || bp.n), 10, 0, 10
          FROM bench_partner bp
         CROSS JOIN LATERAL (SELECT (now() at time zone 'utc') - interval '10 minutes' AS t) x
         WHERE bp.kind = 'ordered'
    """,
        refs,
    )
    cr.execute(
        """
        INSERT INTO sale_order_line (order_id, name, price_unit, price_subtotal, price_total, price_tax,
                                     price_reduce, price_reduce_taxinc, price_reduce_taxexcl, discount,
                                     product_id, product_uom_qty, product_uom, customer_lead, state, company_id,
                                     create_date, write_date)
        SELECT so.id, 'Bench Lamp', p.price, p.price, p.price, 0, p.price, p.price, p.price, 0,
               %(product)s, 1, %(uom)s, 0, so.state, 1, so.create_date, so.create_date
          FROM sale_order so
         CROSS JOIN LATERAL (
               SELECT CASE WHEN so.client_order_ref IN ('bench-cart-88', 'bench-cart-89', 'bench-cart-90',
                                                         'bench-cart-91') THEN 0 ELSE 10 END AS price) p
         WHERE so.client_order_ref IS NULL OR so.client_order_ref NOT IN ('bench-cart-98', 'bench-cart-99')
    """,
        refs,
    )
    # transactions: done for 300,000 confirmed orders, pending for the carts of category 92-94
    cr.execute(
        """
        INSERT INTO payment_transaction (reference, acquirer_id, amount, currency_id, partner_country_id,
                                         partner_id, sale_order_id, state, type, create_date, write_date)
        SELECT 'BTX-' || so.id, %(acquirer)s, 10, %(currency)s, %(country)s, so.partner_id, so.id,
               CASE WHEN so.state = 'draft' THEN 'pending' ELSE 'done' END, 'form', now(), now()
          FROM sale_order so
         WHERE (so.state = 'sale' AND so.id %% 2 = 0)
            OR so.client_order_ref IN ('bench-cart-92', 'bench-cart-93', 'bench-cart-94')
    """,
        refs,
    )
    for table in ("sale_order", "sale_order_line", "res_partner", "payment_transaction"):
        cr.execute("ANALYZE %s" % table)
    return True


def reset(cr):
    """A kept database: forget the reminders of the previous run."""
    cr.execute("DELETE FROM sale_cart_recovery_reminder")
    cr.execute(
        "DELETE FROM mail_mail WHERE mail_message_id IN (SELECT id FROM mail_message WHERE model = 'sale.order')"
    )
    cr.execute("DELETE FROM mail_message WHERE model = 'sale.order'")
    cr.execute("""
        UPDATE sale_order
           SET cart_recovery_step = CASE WHEN client_order_ref BETWEEN 'bench-cart-70' AND 'bench-cart-79' THEN 1 ELSE 0 END,
               cart_recovery_email_sent = client_order_ref BETWEEN 'bench-cart-70' AND 'bench-cart-79',
               cart_recovery_last_date = CASE WHEN client_order_ref BETWEEN 'bench-cart-70' AND 'bench-cart-79'
                                              THEN cart_last_activity + interval '1 hour' END
         WHERE client_order_ref LIKE 'bench-cart-%'
    """)


def odoo11_search_domain(env):
    """Odoo 11's own search: website_sale's is_abandoned_cart domain (the
    method of website_sale, not this add-on's override) and the flag of its
    manual recovery email."""
    from odoo.addons.website_sale.models.sale_order import SaleOrder as WebsiteSaleOrder

    return WebsiteSaleOrder._search_abandoned_cart(env["sale.order"], "=", True) + [
        ("cart_recovery_email_sent", "=", False)
    ]


def odoo11_filter(orders, config, now):
    """The checks modern Odoo runs in Python on that search result
    (``_filter_can_send_abandoned_cart_mail``), plus the rules it lacks
    (idle time on the last change, activation time, maximum age, opt-out), to
    get the same set as the job's selection."""
    idle_before = (datetime.strptime(now, "%Y-%m-%d %H:%M:%S") - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    oldest = (datetime.strptime(now, "%Y-%m-%d %H:%M:%S") - timedelta(days=config.max_age_days)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    orders = orders.filtered(
        lambda o: (
            o.website_order
            and o.cart_recovery_step == 0
            and o.cart_last_activity
            and config.activation_date < o.cart_last_activity <= idle_before
            and o.date_order >= oldest
        )
    )
    orders = orders.filtered(
        lambda o: o.partner_id.email and not o.partner_id.cart_recovery_opt_out and not o.partner_id.opt_out
    )
    orders = orders.filtered(
        lambda o: not any(tx.state in ("error", "pending", "authorized", "done") for tx in o.payment_tx_ids)
    )
    orders = orders.filtered(lambda o: any(line.price_unit for line in o.order_line))
    Order = orders.env["sale.order"]
    later = Order.search_read(
        [("state", "in", ("sale", "done")), ("partner_id", "in", orders.mapped("partner_id").ids)],
        ["partner_id", "confirmation_date"],
    )
    last_sale = {}
    for sale in later:
        pid = sale["partner_id"][0]
        last_sale[pid] = max(last_sale.get(pid) or "", sale["confirmation_date"] or "")
    return orders.filtered(lambda o: (last_sale.get(o.partner_id.id) or "") < (o.cart_last_activity or ""))


def timed(call, runs=3, env=None):
    values, result = [], None
    for _ in range(runs):
        if env is not None:
            env.cache.invalidate()
        start = time.perf_counter()
        result = call()
        values.append(time.perf_counter() - start)
    return statistics.median(values), result


def main():
    parser = make_parser(__doc__, db_default="soon_bench_carts", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1000000)
    parser.add_argument("--carts", type=int, default=100000)
    parser.add_argument("--keep", action="store_true", help="keep the database (it is dropped otherwise)")
    args = parser.parse_args()
    data_dir = odoo_data_dir()
    t0 = time.perf_counter()
    created = prepare_database(args.db, MODULES)
    install_s = time.perf_counter() - t0
    figures = {"orders": args.orders, "carts": args.carts}
    try:
        figures.update(run(args, data_dir))
        figures["install_s"] = install_s if created else None
    finally:
        if not args.keep:
            import odoo

            odoo.sql_db.close_db(args.db)
            sh("dropdb", "--if-exists", args.db)
    report(figures)
    write_json(args.json, figures)


def run(args, data_dir):
    import odoo
    from odoo.addons.soon_ecommerce_orders.models import cart_recovery_job as job_module
    from odoo.addons.soon_ecommerce_orders.models import settings_keys as keys

    odoo.tools.config.parse_config(["-d", args.db, "--data-dir=" + data_dir, "--log-level=warn"])
    registry = odoo.registry(args.db)
    figures = {}
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        start = time.perf_counter()
        filled = fill(env, args.orders, args.carts)
        cr.commit()
        figures["fill_s"] = time.perf_counter() - start if filled else None
        params = env["ir.config_parameter"].sudo()
        params.set_param(keys.PARAM_AUTO, "1")
        params.set_param(keys.PARAM_ACTIVATION, (datetime.utcnow() - timedelta(days=20)).strftime("%Y-%m-%d %H:%M:%S"))
        params.set_param(keys.PARAM_MAX_AGE, "30")
        params.set_param(keys.PARAM_ABANDONED_DELAY, "1.0")
        cr.commit()
        cr.execute("SELECT count(*), count(*) FILTER (WHERE website_order AND state = 'draft') FROM sale_order")
        figures["sale_orders"], figures["website_carts"] = cr.fetchone()

        Order = env["sale.order"]
        Job = env["sale.cart.recovery.job"]
        config = env["sale.cart.recovery.step"]._recovery_config()
        step = config.steps[0]
        now = odoo.fields.Datetime.now()
        # 1. the job's selection
        first_batch_s, ids = timed(
            lambda: Job._candidates(step, config, now, ("1970-01-01", 0), job_module.BATCH_SIZE)[0], env=env
        )
        cr.rollback()
        figures["selection_first_batch_ms"] = first_batch_s * 1000

        def walk():
            after, total = ("1970-01-01", 0), 0
            while True:
                batch, after = Job._candidates(step, config, now, after, job_module.BATCH_SIZE)
                if not batch:
                    return total
                total += len(batch)

        walk_s, eligible = timed(walk, runs=1)
        cr.rollback()
        figures["selection_walk_s"], figures["eligible"] = walk_s, eligible
        one_query_s, all_ids = timed(lambda: Job._candidates(step, config, now, ("1970-01-01", 0), 10**7)[0], env=env)
        cr.rollback()
        figures["selection_one_query_s"] = one_query_s
        # the plan of a batch query: the last statement psycopg2 sent, parameters included
        Job._candidates(step, config, now, ("1970-01-01", 0), job_module.BATCH_SIZE)
        last_query = cr._obj.query.decode()
        cr.rollback()
        cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + last_query)
        figures["selection_plan"] = "\n".join(row[0] for row in cr.fetchall())
        cr.rollback()
        figures["selection_seq_scan_on_sale_order"] = "Seq Scan on sale_order " in figures["selection_plan"] + " "

        # 2. Odoo 11's search on the same data
        domain = odoo11_search_domain(env)
        odoo_s, odoo_ids = timed(lambda: Order.search(domain).ids, env=env)
        figures["odoo11_search_s"], figures["odoo11_search_rows"] = odoo_s, len(odoo_ids)
        start = time.perf_counter()
        odoo_set = odoo11_filter(Order.browse(odoo_ids), config, now)
        figures["odoo11_search_and_filter_s"] = odoo_s + time.perf_counter() - start
        figures["odoo11_filtered_rows"] = len(odoo_set)
        figures["same_set_as_odoo11_checks"] = set(odoo_set.ids) == set(all_ids)
        env.cache.invalidate()

    # 3. sending (a fresh cursor, as the scheduler does; commits per batch)
    samples = []
    original_ready = job_module.CartRecoveryJob._ready

    def sampling_ready(job, orders):
        samples.append(rss_mb())  # one sample per batch, before its emails
        return original_ready(job, orders)

    job_module.CartRecoveryJob._ready = sampling_ready
    try:
        with odoo.api.Environment.manage(), registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            rss_before = rss_mb()
            start = time.perf_counter()
            stats = env["sale.cart.recovery.job"]._cron_send_cart_reminders()
            figures["send_s"] = time.perf_counter() - start
            figures["send_stats"] = stats
            cr.execute(
                "SELECT count(*) FROM mail_mail mm JOIN mail_message msg ON msg.id = mm.mail_message_id "
                "WHERE msg.model = 'sale.order' AND mm.state = 'outgoing'"
            )
            figures["mails_queued"] = cr.fetchone()[0]
            cr.execute("SELECT count(*), count(DISTINCT order_id) FROM sale_cart_recovery_reminder")
            figures["reminders_logged"], figures["carts_reminded"] = cr.fetchone()
    finally:
        job_module.CartRecoveryJob._ready = original_ready
    batch = job_module.BATCH_SIZE
    rss = samples
    figures["rss_before_mb"] = rss_before
    figures["rss_by_emails_mb"] = {batch * i: round(rss[i], 1) for i in range(0, len(rss), max(1, len(rss) // 8))}
    figures["rss_peak_mb"] = max(rss) if rss else None
    figures["process_peak_rss_mb"] = peak_rss_mb()
    figures["per_1000_emails_s"] = figures["send_s"] / max(stats["sent"], 1) * 1000

    # 4. a run with nothing eligible: the job only selects
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        empty_s, empty_stats = timed(lambda: env["sale.cart.recovery.job"]._cron_send_cart_reminders(), runs=3, env=env)
        figures["empty_run_s"], figures["empty_run_stats"] = empty_s, empty_stats
    figures["ratio_empty_run_vs_odoo11_search"] = figures["odoo11_search_s"] / figures["empty_run_s"]
    figures["ratio_selection_vs_odoo11_search"] = figures["odoo11_search_s"] / figures["selection_one_query_s"]
    figures["ratio_selection_vs_odoo11_search_and_filter"] = (
        figures["odoo11_search_and_filter_s"] / figures["selection_one_query_s"]
    )
    odoo.sql_db.close_all()
    return figures


def report(f):
    print(
        "sale orders: %s, website carts: %s, eligible: %s"
        % (f.get("sale_orders"), f.get("website_carts"), f.get("eligible"))
    )
    if f.get("fill_s"):
        print("bulk fill: %.1f s" % f["fill_s"])
    print("\nSelection (this add-on)")
    print("  first batch query (%d carts, locked)   %8.1f ms" % (50, f["selection_first_batch_ms"]))
    print("  one query for the whole eligible set   %8.3f s  (%d carts)" % (f["selection_one_query_s"], f["eligible"]))
    print("  keyset walk in batches of 50          %8.3f s" % f["selection_walk_s"])
    print("  seq scan on sale_order                 %s" % ("YES" if f["selection_seq_scan_on_sale_order"] else "no"))
    print("\nOdoo 11's is_abandoned_cart search on the same data")
    print(
        "  search                                 %8.3f s  (%d rows)" % (f["odoo11_search_s"], f["odoo11_search_rows"])
    )
    print(
        "  search + modern Odoo's Python checks   %8.3f s  (%d rows, same set: %s)"
        % (f["odoo11_search_and_filter_s"], f["odoo11_filtered_rows"], f["same_set_as_odoo11_checks"])
    )
    print("\nSending: %(sent)d queued, %(skipped)d not ready, %(failed)d failed" % f["send_stats"])
    print(
        "  total %.1f s, %.2f s per 1,000 emails; mail.mail queued: %d, reminders logged: %d"
        % (f["send_s"], f["per_1000_emails_s"], f["mails_queued"], f["reminders_logged"])
    )
    print(
        "  worker RSS before %.0f MB; by emails sent: %s; peak %.0f MB"
        % (
            f["rss_before_mb"],
            ", ".join("%d: %.0f" % kv for kv in sorted(f["rss_by_emails_mb"].items())),
            f["rss_peak_mb"],
        )
    )
    print("\nJob run with no eligible cart (selection only): %.3f s %s" % (f["empty_run_s"], f["empty_run_stats"]))
    print("\nRatios (Odoo 11 / this add-on)")
    print("  empty job run vs Odoo 11 search                %6.1fx" % f["ratio_empty_run_vs_odoo11_search"])
    print("  selection query vs Odoo 11 search              %6.1fx" % f["ratio_selection_vs_odoo11_search"])
    print("  selection query vs Odoo 11 search + checks     %6.1fx" % f["ratio_selection_vs_odoo11_search_and_filter"])
    print("\n-- plan of one batch query\n%s" % f["selection_plan"])


if __name__ == "__main__":
    main()
