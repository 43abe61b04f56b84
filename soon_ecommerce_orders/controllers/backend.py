# -*- coding: utf-8 -*-
from odoo import http
from odoo.addons.website_sale.controllers.backend import WebsiteSaleBackend
from odoo.http import request


class SoonWebsiteSaleBackend(WebsiteSaleBackend):

    @http.route()
    def fetch_dashboard_data(self, date_from, date_to):
        """The Website dashboard also shows the abandoned-cart recovery of the
        last 30 days (whatever period the dashboard shows: reminders need time
        to turn into orders)."""
        results = super().fetch_dashboard_data(date_from, date_to)
        if results["groups"].get("sale_salesman"):
            results["dashboards"]["cart_recovery"] = request.env["sale.cart.recovery.report"]._dashboard_figures(30)
        return results
