# -*- coding: utf-8 -*-
"""The abandoned-cart reminder job (the scheduled action "eCommerce: send
abandoned cart reminders"), apart from the orders it reminds, as OCA's
sale_automatic_workflow gives its job ``automatic.workflow.job``.

The job selects the due carts of every reminder of the sequence
(``sale.cart.recovery.step``) in batches, checks what the database cannot,
claims each cart, queues its email and logs it on the order
(``sale.order._cart_recovery_log``).  An AbstractModel: it has no records,
hence no access rights; all its methods are private (not callable over RPC).
"""

import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models, tools
from psycopg2.extensions import TransactionRollbackError

_logger = logging.getLogger(__name__)

#: a cart with a transaction in one of these states is being paid (or failed
#: to be): no reminder (Odoo 16+ only checks "error")
BLOCKING_TX = ("error", "pending", "authorized", "done")
#: carts per transaction of the job: the claim (row locks), the queued emails
#: and the reminder log of a batch are committed together
BATCH_SIZE = 50
#: a batch that hits a serialization failure (another worker, or the customer,
#: changed one of its carts meanwhile) is rolled back and selected again
MAX_RETRIES = 5


class CartRecoveryJob(models.AbstractModel):
    _name = "sale.cart.recovery.job"
    _description = "Abandoned Cart Reminder Job"

    @api.model
    def _cron_send_cart_reminders(self):
        """Scheduled job (every 15 minutes while the feature is on).

        It commits after each batch of carts, on purpose: a batch's claim, its
        queued emails and its reminder log are one transaction, so a crash or a
        timeout keeps the batches already done and loses or repeats nothing,
        and the row locks of a batch are held for one batch only.
        """
        return self._send_cart_reminders(commit=True)

    @api.model
    def _send_cart_reminders(self, commit=False, batch_size=BATCH_SIZE):
        """Queue the due reminder of every cart that qualifies now.

        For each reminder of the sequence, carts are selected in batches by one
        index-backed query that applies every rule the database can check and
        locks them (``FOR UPDATE SKIP LOCKED``: a cart being handled by another
        worker is left to it).  The rules that can change from one hour to the
        next (a valid email address, products in stock) are checked on the
        batch: a cart that fails them is left untouched and considered again at
        the next run.  Each remaining cart is marked, its email queued
        (``mail.mail``, sent later by the mail queue) and logged in a savepoint:
        a failure is logged and undone for that cart only.

        :param commit: commit after each batch (the scheduled job only)
        :returns: dict with the number of reminders ``sent``, of carts
            ``skipped`` (not ready now) and of ``failed`` carts
        """
        config = self.env["sale.cart.recovery.step"]._recovery_config()
        stats = {"sent": 0, "skipped": 0, "failed": 0}
        if not config.enabled or not config.activation_date:
            return stats
        Order = self.env["sale.order"].sudo()
        for step in config.steps:
            if not step.template:
                _logger.warning("Abandoned cart reminder %d has no email template: not sent", step.number)
                continue
            after = ("1970-01-01 00:00:00", 0)
            retries = 0
            while True:
                now = fields.Datetime.now()
                try:
                    ids, last_key = self._candidates(step, config, now, after, batch_size)
                    if not ids:
                        break
                    carts = Order.browse(ids)
                    ready = self._ready(carts)
                    stats["skipped"] += len(carts - ready)
                    language = None
                    for cart in ready.sorted(key=lambda order: (order.partner_id.lang or "", order.id)):
                        if cart.partner_id.lang != language:
                            # Odoo 11 caches related translated fields (the product names
                            # of the lines) whatever the language: a customer in another
                            # language than the previous email's starts from an empty cache
                            self.invalidate_cache()
                            language = cart.partner_id.lang
                        if self._send_safely(cart, step, now):
                            stats["sent"] += 1
                        else:
                            stats["failed"] += 1
                    if commit:
                        # batch done: its claims, queued emails and log become durable together
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                except TransactionRollbackError:
                    # another transaction changed a cart of this batch after it started (the
                    # customer, or another worker that claimed it): nothing of the batch is
                    # kept, select it again with a fresh snapshot
                    if not commit or retries >= MAX_RETRIES:
                        raise
                    retries += 1
                    self.env.cr.rollback()
                    self.invalidate_cache()
                    continue
                retries = 0
                after = last_key
                # the ORM cache grows with every batch: keep the worker's memory flat
                self.invalidate_cache()
        if any(stats.values()):
            _logger.info("Abandoned cart reminders: %(sent)d queued, %(skipped)d not ready, %(failed)d failed", stats)
        return stats

    @api.model
    def _candidates(self, step, config, now, after, limit):
        """Carts due for reminder ``step``, locked for this transaction.

        One query, set-based, walking the partial index
        ``sale_order_soon_cart_recovery_idx`` (reminders sent, last activity,
        id) in keyset order from ``after`` = (last activity, id).

        :returns: (ids, keyset of the last row)
        """
        now_dt = fields.Datetime.from_string(now)
        oldest = fields.Datetime.to_string(now_dt - timedelta(days=config.max_age_days))
        self.env.cr.execute(
            """
            SELECT so.id, so.cart_last_activity
              FROM sale_order so
              JOIN res_partner partner ON partner.id = so.partner_id
             WHERE so.website_order = true AND so.state = 'draft'
               -- not reminded for this step yet, idle for longer than its delay
               AND so.cart_recovery_step = %(previous_step)s
               AND so.cart_last_activity <= %(idle_before)s
               -- changed after the feature was switched on (and within the maximum age)
               AND so.cart_last_activity > %(activity_after)s
               AND so.date_order >= %(oldest)s
               -- keyset: after the last cart of the previous batch (written as a range plus a
               -- tie-break, which PostgreSQL estimates well, unlike a row comparison)
               AND so.cart_last_activity >= %(after_activity)s
               AND (so.cart_last_activity > %(after_activity)s OR so.id > %(after_id)s)
               -- a follow-up: the customer has not come back since the previous reminder,
               -- sent long enough ago
               AND (%(first)s OR (so.cart_recovery_last_date >= so.cart_last_activity
                                  AND so.cart_recovery_last_date <= %(previous_before)s))
               -- an identified customer with an email address who accepts reminders
               AND so.partner_id NOT IN %(public_partners)s
               AND partner.email LIKE '%%_@_%%'
               AND partner.cart_recovery_opt_out IS NOT TRUE
               AND partner.opt_out IS NOT TRUE
               -- something to buy, not free
               AND EXISTS (SELECT 1 FROM sale_order_line line
                            WHERE line.order_id = so.id AND line.product_uom_qty > 0 AND line.price_unit <> 0)
               -- not being paid, and no failed payment
               AND NOT EXISTS (SELECT 1 FROM payment_transaction tx
                                WHERE tx.sale_order_id = so.id AND tx.state IN %(blocking_tx)s)
               -- the customer has not ordered since their last change to the cart
               AND NOT EXISTS (SELECT 1 FROM sale_order other
                                WHERE other.partner_id = so.partner_id AND other.id <> so.id
                                  AND ((other.state IN ('sale', 'done')
                                        AND other.confirmation_date >= so.cart_last_activity)
                                       OR (other.state = 'sent' AND other.website_order = true
                                           AND other.checkout_date >= so.cart_last_activity)))
             ORDER BY so.cart_last_activity, so.id
             LIMIT %(limit)s
               FOR UPDATE OF so SKIP LOCKED
        """,
            {
                "previous_step": step.number - 1,
                "idle_before": fields.Datetime.to_string(now_dt - timedelta(hours=step.delay_hours)),
                "activity_after": max(config.activation_date, oldest),
                "oldest": oldest,
                "after_activity": after[0],
                "after_id": after[1],
                "first": step.number == 1,
                "previous_before": fields.Datetime.to_string(
                    now_dt - timedelta(hours=step.delay_hours - step.previous_delay_hours)
                ),
                "public_partners": tuple(self.env["sale.order"]._cart_recovery_public_partner_ids()),
                "blocking_tx": BLOCKING_TX,
                "limit": limit,
            },
        )
        rows = self.env.cr.fetchall()
        return [row[0] for row in rows], (rows[-1][1], rows[-1][0]) if rows else after

    @api.model
    def _ready(self, carts):
        """The carts of ``carts`` that can be reminded right now.

        The others are not marked: they are checked again at the next run (a
        customer may correct their email address, stock may come back).
        """
        with_email = carts.filtered(self._email_ok)
        return with_email - self._out_of_stock(with_email)

    @api.model
    def _email_ok(self, cart):
        email = (cart.partner_id.email or "").strip()
        return bool(email and tools.single_email_re.match(email))

    @api.model
    def _out_of_stock(self, carts):
        """Carts asking for more of a product than the shop may sell.

        Applies website_sale_stock's product setting as Odoo 11 does when the
        customer changes the cart: storable products that show their inventory
        ("always" or "threshold") cannot be ordered beyond the forecast quantity
        of the cart's warehouse; "never" and "custom" sell regardless of stock.
        """
        lines = carts.mapped("order_line").filtered(
            lambda line: (
                line.product_id.type == "product" and line.product_id.inventory_availability in ("always", "threshold")
            )
        )
        by_warehouse = defaultdict(lambda: self.env["sale.order.line"])
        for line in lines:
            by_warehouse[line.order_id.warehouse_id] |= line
        out = carts.browse()
        for warehouse, wh_lines in by_warehouse.items():
            products = wh_lines.mapped("product_id").with_context(warehouse=warehouse.id or False)
            available = {product.id: product.virtual_available for product in products}
            wanted = defaultdict(float)
            for line in wh_lines:
                wanted[(line.order_id.id, line.product_id.id)] += line.product_uom_qty
            out |= carts.browse(
                {
                    order_id
                    for (order_id, product_id), qty in wanted.items()
                    if tools.float_compare(qty, available[product_id], precision_digits=3) > 0
                }
            )
        return out

    @api.model
    def _send_safely(self, cart, step, now):
        """Send reminder ``step`` to ``cart`` in a savepoint: a failure is logged
        and undone (the cart stays due and is tried again at the next run)."""
        cart.ensure_one()
        try:
            with self.env.cr.savepoint():
                return self._send(cart, step, now)
        except TransactionRollbackError:
            raise  # the whole batch is selected again
        except Exception:
            _logger.exception(
                "Abandoned cart reminder %d of %s (%s) could not be queued",
                step.number,
                cart.name,
                cart.partner_id.email,
            )
            return False

    @api.model
    def _send(self, cart, step, now):
        """Claim ``cart`` for ``step``, queue its email and log it, in the
        current transaction (the caller holds the row lock)."""
        cart.ensure_one()
        self.env.cr.execute(
            """
            UPDATE sale_order
               SET cart_recovery_step = %s, cart_recovery_last_date = %s, cart_recovery_email_sent = true
             WHERE id = %s AND state = 'draft' AND cart_recovery_step = %s
         RETURNING id
        """,
            (step.number, now, cart.id, step.number - 1),
        )
        claimed = self.env.cr.fetchone()
        cart.invalidate_cache(["cart_recovery_step", "cart_recovery_last_date", "cart_recovery_email_sent"], cart.ids)
        if not claimed:
            return False
        mail = self._queue_mail(cart, step.template)
        cart._cart_recovery_log(step.number, now, step.template, mail=mail)
        return True

    @api.model
    def _queue_mail(self, cart, template):
        """Queue the reminder email of ``cart`` (mail.mail, sent by the mail
        queue after this transaction commits), rendered in the customer's
        language.

        Exactly one recipient, the cart's customer, whatever the template says:
        a template with both a recipient partner and an explicit address mails
        the customer twice (odoo/odoo#206158, #261038).
        """
        partner = cart.partner_id
        unsubscribe_url = partner.sudo()._cart_recovery_unsubscribe_url()
        mail_id = template.sudo().send_mail(
            cart.id,
            force_send=False,
            email_values={
                "recipient_ids": [(6, 0, partner.ids)],
                "partner_ids": [(6, 0, partner.ids)],
                "email_to": False,
                "email_cc": False,
                # kept after sending: the reminder log shows its delivery status
                "auto_delete": False,
                "headers": repr(
                    {
                        "List-Unsubscribe": "<%s>" % unsubscribe_url,
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    }
                ),
            },
        )
        return self.env["mail.mail"].sudo().browse(mail_id)
