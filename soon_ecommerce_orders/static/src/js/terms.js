odoo.define('soon_ecommerce_orders.terms', function (require) {
"use strict";

var ajax = require('web.ajax');
var core = require('web.core');
var PaymentForm = require('payment.payment_form');

/**
 * Checkout page: the payment buttons stay disabled until the customer ticks
 * "I agree to the terms and conditions"; ticking records the acceptance on
 * the order (server side: date, customer, IP address, terms fingerprint).
 *
 * Other scripts enable "Pay Now" on their own (website_sale_delivery once the
 * delivery price is computed, the payment form after a failed attempt): the
 * button keeps what they ask for, but stays disabled while the terms are not
 * accepted. If the server still refuses the payment for the terms (accepted
 * in another tab and withdrawn, terms required meanwhile), the customer gets
 * the server's message next to the box instead of a "Server Error".
 */

var state = {
    accepted: false,
    // the message of the server's last refusal for the terms, until shown
    refusal: null,
    show: null,
};

// the server's refusal for the terms: its message, also given to the page
// (data-refusal of #soon_terms, controllers/main.py _terms_refusal)
core.bus.on('rpc:result', null, function (data, result) {
    var error = result && result.error && result.error.data;
    var expected = $('#soon_terms').data('refusal');
    if (error && error.exception_type === 'user_error' && expected
            && String(error.message || '').trim() === String(expected).trim()) {
        state.refusal = String(error.message).trim();
    }
});

PaymentForm.include({
    payEvent: function (ev) {
        if (state.show && !state.accepted) {
            ev.preventDefault();
            state.show(null);
            return;
        }
        return this._super.apply(this, arguments);
    },
    displayError: function () {
        if (state.refusal && state.show) {
            var message = state.refusal;
            state.refusal = null;
            state.show(message);
            return;
        }
        return this._super.apply(this, arguments);
    },
});

$(document).ready(function () {
    var $checkbox = $('#soon_terms_accept');
    if (!$checkbox.length) {
        return;
    }
    var $pay = $('#o_payment_form_pay');
    var $others = $('#payment_method a.a-submit');
    var $hint = $('.o_soon_terms_hint');
    var hintText = $hint.text();
    var native = Object.getOwnPropertyDescriptor(HTMLButtonElement.prototype, 'disabled');
    // what the other scripts last asked for the pay button
    var wanted = false;

    function apply() {
        var disabled = !state.accepted;
        $pay.each(function () {
            native.set.call(this, wanted || disabled);
        });
        $pay.toggleClass('disabled', disabled);
        $others.prop('disabled', disabled).toggleClass('disabled', disabled);
    }

    $pay.each(function () {
        var button = this;
        wanted = native.get.call(button);
        // jQuery's .prop('disabled', ...) and plain assignments
        Object.defineProperty(button, 'disabled', {
            configurable: true,
            get: function () {
                return native.get.call(button);
            },
            set: function (value) {
                wanted = !!value;
                apply();
            },
        });
        // attribute changes (.attr / removeAttr)
        new MutationObserver(function () {
            if (!state.accepted && !native.get.call(button)) {
                wanted = false;
                apply();
            }
        }).observe(button, {attributes: true, attributeFilter: ['disabled']});
    });

    function refresh(accepted) {
        state.accepted = accepted;
        apply();
        $hint.toggle(!accepted);
    }

    state.show = function (message) {
        $checkbox.prop('checked', false);
        refresh(false);
        $hint.text(message || hintText).removeClass('alert-warning').addClass('alert-danger');
        $hint[0].scrollIntoView({block: 'center'});
    };

    $checkbox.on('change', function () {
        var accepted = this.checked;
        refresh(false);
        $hint.text(hintText).removeClass('alert-danger').addClass('alert-warning');
        ajax.jsonRpc('/shop/terms/accept', 'call', {accepted: accepted}).then(function (result) {
            $checkbox.prop('checked', result.accepted);
            refresh(result.accepted);
        }).fail(function (error, event) {
            if (event && event.preventDefault) {
                event.preventDefault();
            }
            state.show(error && error.data && error.data.message);
        });
    });
    refresh($checkbox.prop('checked'));
});
});
