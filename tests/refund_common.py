"""Test data of the refunds of returns through a provider that refunds: the
returns' refund data (soon_returns) paid with the demo acquirer
(soon_payment_demo). soon_returns does not depend on any provider's add-on,
so these tests live at the top level, where every add-on is installed."""

from odoo.addons.soon_payment_demo.tests.common import RefundsDataMixin as DemoRefundsDataMixin
from odoo.addons.soon_returns.tests.common import RefundsDataMixin as ReturnsRefundsDataMixin
from odoo.tests import common


class RefundsDataMixin(ReturnsRefundsDataMixin, DemoRefundsDataMixin):
    """Returnable products, received returns, orders paid with the demo acquirer."""


@common.at_install(False)
@common.post_install(True)
class RefundsCase(RefundsDataMixin, common.SavepointCase):
    def setUp(self):
        super().setUp()
        self._setup_refund_data()
