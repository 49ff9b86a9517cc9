/*
 * The card form inside the emulator's payment frame. Card details stay in this frame: the host
 * page only hears whether the form is complete, and the frame itself confirms the intent.
 */
(function () {
  'use strict';

  var SOURCE = 'lk-stripe-emulator';
  var query = new URLSearchParams(window.location.search);
  var frameId = query.get('id');
  var parentOrigin = query.get('parent_origin');
  var publishableKey = query.get('key');
  var form = document.getElementById('card-form');
  var fields = {
    number: document.getElementById('number'),
    expiry: document.getElementById('expiry'),
    cvc: document.getElementById('cvc'),
  };
  var touched = { number: false, expiry: false, cvc: false };
  var busy = false;

  if (!frameId || !parentOrigin || window.parent === window || !publishableKey) {
    form.hidden = true;
    document.body.insertAdjacentHTML(
      'beforeend',
      '<p class="standalone">This card form opens inside a page that loads the emulator’s Stripe.js.</p>',
    );
    return;
  }

  function post(type, payload) {
    window.parent.postMessage(
      { source: SOURCE, frameId: frameId, type: type, payload: payload || {} },
      parentOrigin,
    );
  }

  // ── Appearance: only whitelisted variables with values that cannot load or inject ──────

  var COLOR = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/]+\)|[a-z]{3,20})$/i;
  var SIZE = /^(0|\d{1,3}(\.\d{1,3})?(px|rem|em|%))$/;
  var FONT = /^[\w\s,'"-]{1,200}$/;
  var VARIABLES = {
    colorPrimary: ['--color-primary', COLOR],
    colorBackground: ['--color-background', COLOR],
    colorText: ['--color-text', COLOR],
    colorDanger: ['--color-danger', COLOR],
    colorTextSecondary: ['--color-text-secondary', COLOR],
    colorTextPlaceholder: ['--color-text-placeholder', COLOR],
    fontFamily: ['--font-family', FONT],
    fontSizeBase: ['--font-size-base', SIZE],
    borderRadius: ['--border-radius', SIZE],
    spacingUnit: ['--spacing-unit', SIZE],
  };
  var THEMES = {
    night: {
      colorPrimary: '#0570de',
      colorBackground: '#30313d',
      colorText: '#ffffff',
      colorDanger: '#df1b41',
      colorTextSecondary: '#c9cbd1',
      colorTextPlaceholder: '#8d8f9a',
    },
    flat: { borderRadius: '0px' },
  };

  function applyAppearance(appearance) {
    var root = document.documentElement;
    Object.keys(VARIABLES).forEach(function (name) {
      root.style.removeProperty(VARIABLES[name][0]);
    });
    appearance = appearance && typeof appearance === 'object' ? appearance : {};
    var merged = Object.assign({}, THEMES[appearance.theme] || {}, appearance.variables || {});
    Object.keys(merged).forEach(function (name) {
      var spec = VARIABLES[name];
      var value = merged[name];
      if (!spec || typeof value !== 'string' || !spec[1].test(value.trim())) return;
      root.style.setProperty(spec[0], value.trim());
    });
    root.dataset.theme = appearance.theme === 'night' ? 'night' : 'stripe';
  }

  // ── Formatting and validation, with Stripe's messages ──────────────────────────────────

  function digits(value) {
    return String(value || '').replace(/\D/g, '');
  }

  function isAmex(number) {
    return /^3[47]/.test(number);
  }

  function formatNumber(value) {
    var d = digits(value).slice(0, 19);
    if (isAmex(d)) {
      return [d.slice(0, 4), d.slice(4, 10), d.slice(10, 15)].filter(Boolean).join(' ');
    }
    return d.replace(/(\d{4})(?=\d)/g, '$1 ');
  }

  function formatExpiry(value) {
    var d = digits(value).slice(0, 4);
    if (d.length === 1 && d > '1') d = '0' + d;
    return d.length > 2 ? d.slice(0, 2) + ' / ' + d.slice(2) : d;
  }

  function luhn(number) {
    var sum = 0;
    for (var i = 0; i < number.length; i++) {
      var n = Number(number[number.length - 1 - i]);
      if (i % 2 === 1) {
        n *= 2;
        if (n > 9) n -= 9;
      }
      sum += n;
    }
    return sum % 10 === 0;
  }

  function numberError(complete) {
    var n = digits(fields.number.value);
    var full = isAmex(n) ? 15 : 16;
    if (n.length < full) {
      return complete || n.length === 0
        ? { code: 'incomplete_number', message: 'Your card number is incomplete.' }
        : null;
    }
    if (!luhn(n)) return { code: 'invalid_number', message: 'Your card number is invalid.' };
    return null;
  }

  function expiryError(complete) {
    var d = digits(fields.expiry.value);
    if (d.length < 4) {
      return complete || d.length === 0
        ? { code: 'incomplete_expiry', message: "Your card's expiration date is incomplete." }
        : null;
    }
    var month = Number(d.slice(0, 2));
    var year = 2000 + Number(d.slice(2, 4));
    var now = new Date();
    if (month < 1 || month > 12) {
      return { code: 'invalid_expiry_month', message: "Your card's expiration date is invalid." };
    }
    if (year < now.getFullYear()) {
      return {
        code: 'invalid_expiry_year_past',
        message: "Your card's expiration year is in the past.",
      };
    }
    if (year === now.getFullYear() && month < now.getMonth() + 1) {
      return {
        code: 'invalid_expiry_month_past',
        message: "Your card's expiration date is in the past.",
      };
    }
    return null;
  }

  function cvcError(complete) {
    var d = digits(fields.cvc.value);
    var needed = isAmex(digits(fields.number.value)) ? 4 : 3;
    if (d.length < needed) {
      return complete || d.length === 0
        ? { code: 'incomplete_cvc', message: "Your card's security code is incomplete." }
        : null;
    }
    return null;
  }

  var CHECKS = { number: numberError, expiry: expiryError, cvc: cvcError };

  function showError(name, error) {
    var input = fields[name];
    var slot = document.getElementById(name + '-error');
    slot.textContent = error ? error.message : '';
    input.setAttribute('aria-invalid', error ? 'true' : 'false');
    input.parentElement.classList.toggle('invalid', Boolean(error));
  }

  /** Validates every field; with `strict`, partially typed values count as errors too. */
  function validate(strict) {
    var first = null;
    Object.keys(CHECKS).forEach(function (name) {
      var error = CHECKS[name](strict);
      if (strict || touched[name]) showError(name, error);
      if (error && !first) first = error;
    });
    return first;
  }

  function isEmpty() {
    return (
      !digits(fields.number.value) && !digits(fields.expiry.value) && !digits(fields.cvc.value)
    );
  }

  function report() {
    var complete = !numberError(true) && !expiryError(true) && !cvcError(true);
    post('change', {
      empty: isEmpty(),
      complete: complete,
      collapsed: false,
      value: { type: 'card' },
    });
  }

  function reportSize() {
    post('resize', { height: document.documentElement.scrollHeight });
  }

  fields.number.addEventListener('input', function () {
    fields.number.value = formatNumber(fields.number.value);
    var error = numberError(false);
    if (touched.number || error) showError('number', error);
    report();
  });
  fields.expiry.addEventListener('input', function () {
    fields.expiry.value = formatExpiry(fields.expiry.value);
    var error = expiryError(false);
    if (touched.expiry || error) showError('expiry', error);
    report();
  });
  fields.cvc.addEventListener('input', function () {
    fields.cvc.value = digits(fields.cvc.value).slice(0, 4);
    if (touched.cvc) showError('cvc', cvcError(false));
    report();
  });
  Object.keys(fields).forEach(function (name) {
    fields[name].addEventListener('blur', function () {
      touched[name] = true;
      if (digits(fields[name].value)) showError(name, CHECKS[name](true));
      post('blur');
    });
    fields[name].addEventListener('focus', function () {
      post('focus');
    });
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') post('escape');
  });

  if (typeof ResizeObserver === 'function') new ResizeObserver(reportSize).observe(document.body);

  function setBusy(value) {
    busy = value;
    form.setAttribute('aria-busy', value ? 'true' : 'false');
    Object.keys(fields).forEach(function (name) {
      fields[name].disabled = value;
    });
  }

  function encode(params) {
    var pairs = [];
    (function walk(prefix, value) {
      if (value === undefined || value === null) return;
      if (typeof value === 'object') {
        Object.keys(value).forEach(function (key) {
          walk(prefix ? prefix + '[' + key + ']' : key, value[key]);
        });
        return;
      }
      pairs.push(encodeURIComponent(prefix) + '=' + encodeURIComponent(String(value)));
    })('', params);
    return pairs.join('&');
  }

  function confirm(payload) {
    var error = validate(true);
    if (error) {
      return Promise.resolve({
        error: { type: 'validation_error', code: error.code, message: error.message },
      });
    }
    var match = /^((pi|seti)_[A-Za-z0-9]+)_secret_/.exec(String(payload.clientSecret || ''));
    if (!match) {
      return Promise.resolve({
        error: { type: 'invalid_request_error', message: 'Invalid client secret.' },
      });
    }
    var expiry = digits(fields.expiry.value);
    var pmData = {
      type: 'card',
      card: {
        number: digits(fields.number.value),
        exp_month: expiry.slice(0, 2),
        exp_year: expiry.slice(2, 4),
        cvc: digits(fields.cvc.value),
      },
    };
    if (payload.billingDetails && typeof payload.billingDetails === 'object') {
      pmData.billing_details = payload.billingDetails;
    }
    var path =
      (match[2] === 'pi' ? '/v1/payment_intents/' : '/v1/setup_intents/') + match[1] + '/confirm';
    var body = {
      key: publishableKey,
      client_secret: payload.clientSecret,
      payment_method_data: pmData,
      use_stripe_sdk: 'true',
    };
    if (match[2] === 'pi' && payload.receiptEmail) body.receipt_email = payload.receiptEmail;
    setBusy(true);
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encode(body),
    })
      .then(function (response) {
        return response.json().then(function (json) {
          return response.ok ? { intent: json } : { error: json.error };
        });
      })
      .catch(function () {
        return {
          error: { type: 'api_connection_error', message: 'Could not reach the Stripe emulator.' },
        };
      })
      .then(function (result) {
        setBusy(false);
        return result;
      });
  }

  function respond(requestId, result) {
    post('response', { requestId: requestId, result: result });
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    var data = event.data;
    if (!data || data.source !== SOURCE || data.frameId !== frameId) return;
    var payload = data.payload || {};
    switch (data.type) {
      case 'init':
        applyAppearance(payload.appearance);
        post('ready');
        reportSize();
        report();
        break;
      case 'appearance':
        applyAppearance(payload.appearance);
        reportSize();
        break;
      case 'update':
        break;
      case 'focus':
        fields.number.focus();
        break;
      case 'blur':
        if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
        break;
      case 'clear':
        Object.keys(fields).forEach(function (name) {
          fields[name].value = '';
          touched[name] = false;
          showError(name, null);
        });
        report();
        break;
      case 'submit': {
        var error = validate(true);
        respond(
          payload.requestId,
          error
            ? { error: { type: 'validation_error', code: error.code, message: error.message } }
            : {},
        );
        break;
      }
      case 'confirm':
        if (busy) {
          respond(payload.requestId, {
            error: {
              type: 'invalid_request_error',
              message: 'A confirmation is already in progress.',
            },
          });
          break;
        }
        confirm(payload).then(function (result) {
          respond(payload.requestId, result);
        });
        break;
      default:
        break;
    }
  });

  post('loaded');
})();
