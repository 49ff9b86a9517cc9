/*
 * Stand-in for Stripe.js v3, served by the Stripe emulator at /v3/.
 *
 * Load it before @stripe/stripe-js: loadStripe() then finds window.Stripe and uses it. The card
 * form lives in an iframe served by the emulator, so card numbers never reach the host page;
 * the page and the frame talk through postMessage, each checking the other's origin and window.
 */
(function () {
  'use strict';

  if (window.Stripe && window.Stripe.emulator === true) return;

  var script = document.currentScript;
  var ORIGIN = script && script.src ? new URL(script.src).origin : '';
  var SOURCE = 'lk-stripe-emulator';
  var counter = 0;

  function uid(prefix) {
    counter += 1;
    return prefix + '-' + counter + '-' + Math.random().toString(36).slice(2, 10);
  }

  function integrationError(message) {
    var error = new Error(message);
    error.name = 'IntegrationError';
    return error;
  }

  function intentFromSecret(secret) {
    var match = /^((pi|seti)_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(String(secret || ''));
    if (!match) return null;
    return { id: match[1], kind: match[2] === 'pi' ? 'payment_intent' : 'setup_intent' };
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

  function api(key, method, path, params) {
    var body = encode(Object.assign({ key: key }, params));
    var url = ORIGIN + path + (method === 'GET' ? '?' + body : '');
    return fetch(url, {
      method: method,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: method === 'GET' ? undefined : body,
    }).then(function (response) {
      return response.json().then(function (json) {
        return { ok: response.ok, json: json };
      });
    });
  }

  function retrieveIntent(key, secret) {
    var intent = intentFromSecret(secret);
    if (!intent) {
      return Promise.resolve({
        error: {
          type: 'invalid_request_error',
          message: 'Invalid value for client_secret: it should look like pi_…_secret_….',
        },
      });
    }
    var path = intent.kind === 'payment_intent' ? '/v1/payment_intents/' : '/v1/setup_intents/';
    return api(key, 'GET', path + intent.id, { client_secret: secret }).then(function (res) {
      if (!res.ok) return { error: res.json.error };
      var out = {};
      out[intent.kind === 'payment_intent' ? 'paymentIntent' : 'setupIntent'] = res.json;
      return out;
    });
  }

  // ── The 3D Secure challenge: a modal frame served by the emulator ──────────────────────

  function challengeUrl(intent) {
    var action = intent.next_action || {};
    var url =
      (action.use_stripe_sdk && action.use_stripe_sdk.stripe_js) ||
      (action.redirect_to_url && action.redirect_to_url.url);
    if (!url) return null;
    var parsed = new URL(url);
    parsed.searchParams.delete('return_url');
    parsed.searchParams.set('parent_origin', window.location.origin);
    return parsed.toString();
  }

  function showChallenge(url) {
    return new Promise(function (resolve) {
      var previousFocus = document.activeElement;
      var overlay = document.createElement('div');
      overlay.setAttribute('data-stripe-emulator', 'challenge');
      overlay.style.cssText =
        'position:fixed;inset:0;z-index:2147483647;display:flex;align-items:center;' +
        'justify-content:center;background:rgba(0,0,0,0.5)';
      var dialog = document.createElement('div');
      dialog.setAttribute('role', 'dialog');
      dialog.setAttribute('aria-modal', 'true');
      dialog.setAttribute('aria-label', 'Payment authentication');
      dialog.style.cssText =
        'background:#fff;border-radius:8px;box-shadow:0 10px 40px rgba(0,0,0,0.3);' +
        'width:min(420px,92vw);height:min(360px,90vh);overflow:hidden';
      var frame = document.createElement('iframe');
      frame.title = 'Payment authentication challenge';
      frame.src = url;
      frame.style.cssText = 'border:0;width:100%;height:100%;display:block';
      dialog.appendChild(frame);
      overlay.appendChild(dialog);
      document.body.appendChild(overlay);
      frame.addEventListener('load', function () {
        frame.focus();
      });
      function onMessage(event) {
        if (event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
        var data = event.data;
        if (!data || data.source !== SOURCE || data.type !== 'auth-complete') return;
        window.removeEventListener('message', onMessage);
        overlay.remove();
        if (previousFocus && typeof previousFocus.focus === 'function') previousFocus.focus();
        resolve(data.payload && data.payload.outcome);
      }
      window.addEventListener('message', onMessage);
    });
  }

  /** Finishes an intent that needs authentication, then reports it as Stripe.js would. */
  function settleIntent(key, secret, intent) {
    var kind = intent.object === 'setup_intent' ? 'setupIntent' : 'paymentIntent';
    var errorKey = intent.object === 'setup_intent' ? 'setup_intent' : 'payment_intent';
    var next = Promise.resolve(intent);
    if (intent.status === 'requires_action') {
      var url = challengeUrl(intent);
      if (!url) return Promise.resolve(wrap(kind, intent));
      next = showChallenge(url).then(function () {
        return retrieveIntent(key, secret).then(function (res) {
          return res.error ? Promise.reject(res.error) : res[kind];
        });
      });
    }
    return next.then(
      function (current) {
        var failure = current.last_payment_error || current.last_setup_error;
        if (current.status === 'requires_payment_method' && failure) {
          var error = Object.assign({}, failure);
          error[errorKey] = current;
          return { error: error };
        }
        return wrap(kind, current);
      },
      function (error) {
        return { error: error };
      },
    );
  }

  function wrap(kind, intent) {
    var out = {};
    out[kind] = intent;
    return out;
  }

  // ── Payment Element ────────────────────────────────────────────────────────────────────

  function PaymentElement(group, type, options) {
    this._group = group;
    this._type = type;
    this._options = options || {};
    this._id = uid('payment');
    this._handlers = {};
    this._pending = {};
    this._queue = [];
    this._frame = null;
    this._wrapper = null;
    this._loaded = false;
    this._destroyed = false;
    this._onMessage = this._onMessage.bind(this);
  }

  PaymentElement.prototype.mount = function (target) {
    if (this._destroyed) throw integrationError('This Element has already been destroyed.');
    if (this._frame) throw integrationError('This Element is already mounted. Unmount it first.');
    var node = typeof target === 'string' ? document.querySelector(target) : target;
    if (!node || node.nodeType !== 1) {
      throw integrationError(
        'The selector you specified (' +
          String(target) +
          ') applies to no DOM elements that are currently on the page.',
      );
    }
    if (typeof ShadowRoot !== 'undefined' && node.getRootNode() instanceof ShadowRoot) {
      throw integrationError(
        'Elements cannot be mounted in a ShadowRoot. Please mount in the Light DOM.',
      );
    }
    var query = new URLSearchParams({
      id: this._id,
      parent_origin: window.location.origin,
      key: this._group._stripe._key,
    });
    var wrapper = document.createElement('div');
    wrapper.className = '__PrivateStripeElement';
    wrapper.style.cssText = 'margin:0;padding:0;border:none;display:block;background:transparent';
    var frame = document.createElement('iframe');
    frame.name = this._id;
    frame.title = 'Secure payment input frame';
    frame.setAttribute('allow', 'payment');
    frame.setAttribute('scrolling', 'no');
    frame.style.cssText =
      'border:0;margin:0;padding:0;width:100%;min-width:100%;display:block;height:200px;' +
      'background:transparent;color-scheme:normal';
    frame.src = ORIGIN + '/elements/payment-frame?' + query.toString();
    wrapper.appendChild(frame);
    node.appendChild(wrapper);
    this._wrapper = wrapper;
    this._frame = frame;
    this._loaded = false;
    window.addEventListener('message', this._onMessage);
  };

  PaymentElement.prototype.unmount = function () {
    window.removeEventListener('message', this._onMessage);
    if (this._wrapper) this._wrapper.remove();
    this._wrapper = null;
    this._frame = null;
    this._loaded = false;
    this._queue = [];
    var pending = this._pending;
    this._pending = {};
    Object.keys(pending).forEach(function (id) {
      pending[id]({
        error: { type: 'validation_error', message: 'The Payment Element was unmounted.' },
      });
    });
  };

  PaymentElement.prototype.destroy = function () {
    this.unmount();
    this._destroyed = true;
    delete this._group._elements[this._type];
  };

  PaymentElement.prototype.on = function (event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };

  PaymentElement.prototype.once = function (event, handler) {
    var wrapper = function (payload) {
      this.off(event, wrapper);
      handler(payload);
    }.bind(this);
    return this.on(event, wrapper);
  };

  PaymentElement.prototype.off = function (event, handler) {
    var list = this._handlers[event] || [];
    this._handlers[event] = handler
      ? list.filter(function (h) {
          return h !== handler;
        })
      : [];
    return this;
  };

  PaymentElement.prototype.update = function (options) {
    this._options = Object.assign({}, this._options, options || {});
    this._post('update', { options: this._options });
  };

  PaymentElement.prototype.focus = function () {
    this._post('focus', {});
  };

  PaymentElement.prototype.blur = function () {
    this._post('blur', {});
  };

  PaymentElement.prototype.clear = function () {
    this._post('clear', {});
  };

  PaymentElement.prototype.collapse = function () {};

  PaymentElement.prototype._emit = function (event, payload) {
    (this._handlers[event] || []).slice().forEach(function (handler) {
      try {
        handler(payload);
      } catch (e) {
        setTimeout(function () {
          throw e;
        });
      }
    });
  };

  PaymentElement.prototype._post = function (type, payload) {
    var message = { source: SOURCE, frameId: this._id, type: type, payload: payload };
    if (!this._frame || !this._loaded) {
      this._queue.push(message);
      return;
    }
    this._frame.contentWindow.postMessage(message, ORIGIN);
  };

  PaymentElement.prototype._request = function (type, payload) {
    var pending = this._pending;
    var post = this._post.bind(this);
    if (!this._frame) {
      return Promise.resolve({
        error: {
          type: 'validation_error',
          message: 'The Payment Element is not mounted.',
        },
      });
    }
    return new Promise(function (resolve) {
      var requestId = uid('request');
      pending[requestId] = resolve;
      post(type, Object.assign({ requestId: requestId }, payload));
    });
  };

  PaymentElement.prototype._onMessage = function (event) {
    if (event.origin !== ORIGIN || !this._frame || event.source !== this._frame.contentWindow) {
      return;
    }
    var data = event.data;
    if (!data || data.source !== SOURCE || data.frameId !== this._id) return;
    var payload = data.payload || {};
    switch (data.type) {
      case 'loaded': {
        this._loaded = true;
        var init = {
          source: SOURCE,
          frameId: this._id,
          type: 'init',
          payload: {
            appearance: this._group._appearance,
            options: this._options,
            locale: this._group._options.locale || 'auto',
          },
        };
        this._frame.contentWindow.postMessage(init, ORIGIN);
        var queue = this._queue;
        this._queue = [];
        for (var i = 0; i < queue.length; i++)
          this._frame.contentWindow.postMessage(queue[i], ORIGIN);
        break;
      }
      case 'ready':
        this._emit('ready', { elementType: this._type });
        break;
      case 'change':
        this._emit('change', Object.assign({ elementType: this._type }, payload));
        break;
      case 'focus':
      case 'blur':
      case 'escape':
        this._emit(data.type, { elementType: this._type });
        break;
      case 'resize':
        if (typeof payload.height === 'number' && payload.height > 0) {
          this._frame.style.height = Math.ceil(payload.height) + 'px';
        }
        break;
      case 'response': {
        var resolve = this._pending[payload.requestId];
        if (resolve) {
          delete this._pending[payload.requestId];
          resolve(payload.result);
        }
        break;
      }
      default:
        break;
    }
  };

  // ── Elements group ─────────────────────────────────────────────────────────────────────

  function Elements(stripe, options) {
    this._stripe = stripe;
    this._options = options || {};
    this._clientSecret = this._options.clientSecret || null;
    this._appearance = this._options.appearance || {};
    this._elements = {};
  }

  Elements.prototype.create = function (type, options) {
    if (type !== 'payment') {
      throw integrationError(
        'The Stripe emulator supports the Payment Element only (elements.create("payment")).',
      );
    }
    if (this._elements[type]) {
      throw integrationError('Can only create one Element of type ' + type + '.');
    }
    var element = new PaymentElement(this, type, options);
    this._elements[type] = element;
    return element;
  };

  Elements.prototype.getElement = function (type) {
    return this._elements[type] || null;
  };

  Elements.prototype.update = function (options) {
    Object.assign(this._options, options || {});
    if (options && options.appearance) this._appearance = options.appearance;
    var appearance = this._appearance;
    Object.keys(this._elements).forEach(
      function (type) {
        this._elements[type]._post('appearance', { appearance: appearance });
      }.bind(this),
    );
  };

  Elements.prototype.fetchUpdates = function () {
    return Promise.resolve({});
  };

  Elements.prototype.submit = function () {
    var element = this._elements.payment;
    if (!element) {
      return Promise.resolve({
        error: { type: 'validation_error', message: 'No Payment Element was created.' },
      });
    }
    return element._request('submit', {}).then(function (result) {
      return result && result.error ? { error: result.error } : {};
    });
  };

  // ── Stripe ─────────────────────────────────────────────────────────────────────────────

  function Stripe(publishableKey, options) {
    if (!(this instanceof Stripe)) return new Stripe(publishableKey, options);
    if (typeof publishableKey !== 'string' || !/^pk_test_[A-Za-z0-9_]+$/.test(publishableKey)) {
      throw integrationError(
        'Invalid API Key provided: the Stripe emulator accepts test publishable keys (pk_test_…).',
      );
    }
    if (!ORIGIN) throw integrationError('The Stripe emulator script could not find its origin.');
    this._key = publishableKey;
    this._options = options || {};
  }

  Stripe.emulator = true;
  Stripe.version = 3;

  Stripe.prototype.elements = function (options) {
    return new Elements(this, options);
  };

  function confirmIntent(stripe, kind, params) {
    params = params || {};
    var elements = params.elements;
    var confirmParams = params.confirmParams || {};
    var redirect = params.redirect || 'always';
    if (!elements || !(elements instanceof Elements)) {
      throw integrationError(
        'Invalid value for confirm' + kind + '(): elements should be an Elements group.',
      );
    }
    var secret = params.clientSecret || elements._clientSecret;
    var intent = intentFromSecret(secret);
    if (!intent) {
      throw integrationError(
        'Invalid value for confirm' +
          kind +
          '(): clientSecret should be a client secret of the form ${id}_secret_${secret}.',
      );
    }
    if (redirect !== 'if_required' && !confirmParams.return_url) {
      throw integrationError(
        'confirm' +
          kind +
          "(): the `confirmParams.return_url` argument is required unless passing `redirect: 'if_required'`.",
      );
    }
    var element = elements._elements.payment;
    if (!element || !element._frame) {
      throw integrationError('confirm' + kind + '(): the Payment Element is not mounted.');
    }
    return element
      ._request('confirm', {
        clientSecret: secret,
        intentKind: intent.kind,
        billingDetails:
          confirmParams.payment_method_data && confirmParams.payment_method_data.billing_details,
        receiptEmail: confirmParams.receipt_email,
      })
      .then(function (result) {
        if (!result || result.error)
          return {
            error: result
              ? result.error
              : { type: 'api_error', message: 'No answer from the card frame.' },
          };
        return settleIntent(stripe._key, secret, result.intent);
      })
      .then(function (outcome) {
        var done = outcome.paymentIntent || outcome.setupIntent;
        if (outcome.error || redirect === 'if_required' || !done) return outcome;
        var target = new URL(confirmParams.return_url, window.location.href);
        var prefix = intent.kind === 'payment_intent' ? 'payment_intent' : 'setup_intent';
        target.searchParams.set(prefix, done.id);
        target.searchParams.set(prefix + '_client_secret', secret);
        target.searchParams.set(
          'redirect_status',
          done.status === 'succeeded' ? 'succeeded' : done.status,
        );
        window.location.assign(target.toString());
        // Stripe.js never settles once it navigates away.
        return new Promise(function () {});
      });
  }

  Stripe.prototype.confirmPayment = function (params) {
    return confirmIntent(this, 'Payment', params);
  };

  Stripe.prototype.confirmSetup = function (params) {
    return confirmIntent(this, 'Setup', params);
  };

  Stripe.prototype.retrievePaymentIntent = function (clientSecret) {
    return retrieveIntent(this._key, clientSecret);
  };

  Stripe.prototype.retrieveSetupIntent = function (clientSecret) {
    return retrieveIntent(this._key, clientSecret);
  };

  Stripe.prototype.handleNextAction = function (params) {
    var key = this._key;
    var secret = params && params.clientSecret;
    return retrieveIntent(key, secret).then(function (res) {
      if (res.error) return res;
      return settleIntent(key, secret, res.paymentIntent || res.setupIntent);
    });
  };

  Stripe.prototype.handleCardAction = function (clientSecret) {
    return this.handleNextAction({ clientSecret: clientSecret });
  };

  window.Stripe = Stripe;
})();
