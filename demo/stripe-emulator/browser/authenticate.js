/*
 * The emulator's stand-in for a bank's 3D Secure page. Opened in a modal frame by the
 * stand-in Stripe.js, or as a full page after a redirect (`next_action.redirect_to_url`).
 */
(function () {
  'use strict';

  var SOURCE = 'lk-stripe-emulator';
  var query = new URLSearchParams(window.location.search);
  var paymentIntent = query.get('payment_intent');
  var setupIntent = query.get('setup_intent');
  var clientSecret = query.get('client_secret') || '';
  var parentOrigin = query.get('parent_origin');
  var returnUrl = query.get('return_url');
  var status = document.getElementById('challenge-status');
  var buttons = [document.getElementById('complete'), document.getElementById('fail')];
  var embedded = Boolean(parentOrigin) && window.parent !== window;

  var id = paymentIntent || setupIntent;
  var path = paymentIntent ? '/_emulator/v1/payment_intents/' : '/_emulator/v1/setup_intents/';

  if (!id) {
    status.textContent = 'Nothing to authenticate: the link is missing its payment.';
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    return;
  }

  function finish(outcome) {
    if (embedded) {
      window.parent.postMessage(
        { source: SOURCE, type: 'auth-complete', payload: { outcome: outcome } },
        parentOrigin,
      );
      return;
    }
    if (returnUrl) {
      var target = new URL(returnUrl);
      var prefix = paymentIntent ? 'payment_intent' : 'setup_intent';
      target.searchParams.set(prefix, id);
      target.searchParams.set(prefix + '_client_secret', clientSecret);
      target.searchParams.set('redirect_status', outcome === 'complete' ? 'succeeded' : 'failed');
      window.location.assign(target.toString());
      return;
    }
    status.textContent =
      outcome === 'complete' ? 'Authentication completed.' : 'Authentication failed.';
  }

  function choose(outcome) {
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    status.textContent = 'Working…';
    fetch(path + encodeURIComponent(id) + '/authenticate', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ outcome: outcome, client_secret: clientSecret }).toString(),
    })
      .then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) throw new Error((json.error && json.error.message) || 'Failed');
          finish(outcome);
        });
      })
      .catch(function (error) {
        status.textContent = error.message;
        buttons.forEach(function (b) {
          b.disabled = false;
        });
      });
  }

  document.getElementById('complete').addEventListener('click', function () {
    choose('complete');
  });
  document.getElementById('fail').addEventListener('click', function () {
    choose('fail');
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') choose('fail');
  });
  // The modal focuses this frame; move that focus onto the first choice for keyboard users.
  window.addEventListener('focus', function () {
    if (document.activeElement === document.body) buttons[0].focus();
  });
  buttons[0].focus();
})();
