# -*- coding: utf-8 -*-
from datetime import datetime

from odoo import _, http
from odoo.addons.website_sale.controllers.backend import WebsiteSaleBackend
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import DEFAULT_SERVER_DATE_FORMAT


class SoonWebsiteSaleBackend(WebsiteSaleBackend):
    @http.route()
    def fetch_dashboard_data(self, date_from=None, date_to=None):
        """The Website dashboard also shows the abandoned-cart recovery of the
        last 30 days (whatever period the dashboard shows: reminders need time
        to turn into orders)."""
        for value in (date_from, date_to):
            try:
                datetime.strptime(value, DEFAULT_SERVER_DATE_FORMAT)
            except (TypeError, ValueError):
                raise UserError(_("Invalid period: dates are expected as YYYY-MM-DD."))
        results = super().fetch_dashboard_data(date_from, date_to)
        if results["groups"].get("sale_salesman"):
            results["dashboards"]["cart_recovery"] = request.env["sale.cart.recovery.report"]._dashboard_figures(30)
        return results
