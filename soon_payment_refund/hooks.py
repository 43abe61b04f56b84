"""Install hooks: the records that moved here from soon_returns keep their data.

Until 11.0.1.2.0 soon_returns held the refund engine and the demo acquirer.
Updating soon_returns installs this add-on as its new dependency: before this
add-on loads its data, the external ids of the records and fields it now owns
are moved from soon_returns to it, so that Odoo updates those records instead
of creating twins (views, actions, cron, mail template) and never deletes
them as records soon_returns no longer declares. On a new database nothing
matches and nothing changes.
"""

import logging

_logger = logging.getLogger(__name__)

#: records moved from soon_returns to this add-on (external id names)
MOVED_RECORDS = (
    "payment_acquirer_view_form",
    "payment_transaction_view_form",
    "payment_transaction_view_tree",
    "payment_transaction_refund_action",
    "payment_refund_wizard_view_form",
    "payment_refund_wizard_action",
    "sale_order_view_form_payment_status",
    "portal_order_page_refunds",
    "ir_cron_check_pending_refunds",
    "mail_template_refund_done",
    "model_payment_refund_wizard",
)
#: fields moved from soon_returns to this add-on: {table: field names}
MOVED_FIELDS = {
    "payment_transaction": (
        "operation",
        "source_transaction_id",
        "refund_transaction_ids",
        "refund_count",
        "amount_refunded",
        "amount_refund_pending",
        "amount_refundable",
        "refund_manual",
        "refund_idempotency_key",
        "refund_idempotency_key_date",
        "refund_retryable",
        "refund_invoice_id",
        "refund_payment_id",
        "refund_user_id",
        "refund_reason",
    ),
    "payment_acquirer": ("refund_support", "refund_support_max"),
    "account_payment": ("refund_transaction_ids",),
    "sale_order": ("refund_count",),
    "payment_refund_wizard": (
        "order_id",
        "retry_transaction_id",
        "transaction_id",
        "acquirer_id",
        "refund_support",
        "currency_id",
        "amount_paid",
        "amount_refunded",
        "amount_refund_pending",
        "amount_refundable",
        "method",
        "journal_id",
        "amount",
        "can_edit_amount",
        "reason",
        "error_message",
    ),
}


def move_xmlids(cr, old_module, new_module, records=(), fields=None):
    """Give ``new_module`` the external ids of ``records`` and of the ``fields``
    ({table: names}) that ``old_module`` declared (those it does not own yet)."""
    names = list(records)
    for table, field_names in (fields or {}).items():
        names += ["field_%s_%s" % (table, name) for name in field_names]
    if not names:
        return
    cr.execute(
        """UPDATE ir_model_data old SET module = %s
            WHERE old.module = %s AND old.name IN %s
              AND NOT EXISTS (SELECT 1 FROM ir_model_data new WHERE new.module = %s AND new.name = old.name)""",
        (new_module, old_module, tuple(names), new_module),
    )
    if cr.rowcount:
        _logger.info("%s: %d external ids moved from %s", new_module, cr.rowcount, old_module)


def pre_init_hook(cr):
    move_xmlids(cr, "soon_returns", "soon_payment_refund", MOVED_RECORDS, MOVED_FIELDS)
