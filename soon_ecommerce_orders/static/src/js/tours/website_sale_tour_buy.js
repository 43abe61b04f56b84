odoo.define('soon_ecommerce_orders.tour_shop_buy_product', function (require) {
'use strict';

/**
 * Odoo's checkout tour with this add-on installed.
 *
 * website_sale's tour `shop_buy_product` (run by its tests
 * test_02_admin_checkout and test_03_demo_checkout) buys an iPod and clicks
 * "Pay Now". When the shop requires the terms and conditions (the add-on's
 * setting, on in its demo data), "Pay Now" stays disabled until the customer
 * ticks "I agree to the terms and conditions": the tour ticks it first, as a
 * customer does. Without the box (setting off), the step does nothing.
 *
 * Like Odoo's own tours, this file is loaded with the shop's scripts but only
 * acts when a tour runs (tests, or a developer's `tour.run`): nothing changes
 * for customers.
 */
var tour = require('web_tour.tour');
require('website_sale.tour');

var TERMS_BOX = '#soon_terms_accept';

var buy = tour.tours.shop_buy_product;
var position = buy ? _.findIndex(buy.steps, function (step) {
    return step.content === "Pay Now";
}) : -1;

if (position >= 0) {
    buy.steps.splice(position, 0, {
        content: "accept the terms and conditions (soon_ecommerce_orders)",
        // the box when the shop requires the terms, else the payment methods
        trigger: TERMS_BOX + ', .oe_website_sale:has(#payment_method):not(:has(' + TERMS_BOX + '))',
        run: function (actions) {
            var $box = $(TERMS_BOX);
            if ($box.length && !$box.prop('checked')) {
                actions.click($box);
            }
        },
    });
}

});
