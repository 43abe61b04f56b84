odoo.define('soon_ecommerce_orders.terms', function (require) {
"use strict";

var ajax = require('web.ajax');

/**
 * Checkout page: the payment buttons stay disabled until the customer ticks
 * "I agree to the terms and conditions"; ticking records the acceptance on
 * the order (server side: date, customer, IP address, terms fingerprint).
 */
$(document).ready(function () {
    var $checkbox = $('#soon_terms_accept');
    if (!$checkbox.length) {
        return;
    }
    var $buttons = $('#o_payment_form_pay, #payment_method a.a-submit');
    var $hint = $('.o_soon_terms_hint');

    function refresh(accepted) {
        $buttons.prop('disabled', !accepted).toggleClass('disabled', !accepted);
        $hint.toggle(!accepted);
    }

    $checkbox.on('change', function () {
        var accepted = this.checked;
        refresh(false);
        ajax.jsonRpc('/shop/terms/accept', 'call', {accepted: accepted}).then(function (result) {
            $checkbox.prop('checked', result.accepted);
            refresh(result.accepted);
        });
    });
    refresh($checkbox.prop('checked'));
});
});
