odoo.define('soon_ecommerce_orders.cart_recovery_dashboard', function (require) {
"use strict";

/**
 * Website dashboard: a block with the abandoned-cart recovery of the last 30
 * days (figures computed by /website/fetch_dashboard_data).
 */
var WebsiteBackend = require('website.backend.dashboard');

WebsiteBackend.include({
    init: function () {
        this._super.apply(this, arguments);
        this.dashboards_templates.push('soon_ecommerce_orders.dashboard_cart_recovery');
    },
});
});
