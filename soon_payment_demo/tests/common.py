"""Refund test data with the demo acquirer: orders are paid through its
payment form's feedback, as on its payment page."""

from odoo.addons.soon_payment_refund.tests.common import RefundsDataMixin as BaseRefundsDataMixin
from odoo.tests import common


class RefundsDataMixin(BaseRefundsDataMixin):
    """Paid website orders (the demo acquirer by default) and users allowed or not to refund."""

    def _setup_refund_data(self):
        result = super()._setup_refund_data()
        self.demo = self.env["payment.acquirer"].create(
            {
                "name": "Demo bank (tests)",
                "provider": "soon_demo",
                "company_id": self.company.id,
                "journal_id": self.bank_journal.id,
                "environment": "test",
            }
        )
        return result

    def _get_default_acquirer(self):
        return self.demo

    def _capture_payment(self, tx, order):
        """The demo acquirer's payments go through its feedback like the payment page's (confirms the order)."""
        if tx.acquirer_id.provider == "soon_demo":
            return self.env["payment.transaction"].form_feedback(tx._soon_demo_form_data(), "soon_demo")
        return super()._capture_payment(tx, order)


@common.at_install(False)
@common.post_install(True)
class RefundsCase(RefundsDataMixin, common.SavepointCase):
    def setUp(self):
        super().setUp()
        self._setup_refund_data()
