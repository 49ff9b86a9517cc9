// The LMS page. The checkout's browser event only says "the payment went through"; access is
// granted from the partner webhook the LMS's backend received and verified (GET
// /demo/partner-events on this origin), which the page polls.
import { bindSignIn, signInWidgets, tokenProvider } from './session.js';

const learner = bindSignIn(document.getElementById('learner'));
signInWidgets(tokenProvider(learner));

const payment = document.getElementById('payment');
const endpoint = document.getElementById('endpoint');
const list = document.getElementById('enrollments');
const checkout = document.getElementById('checkout');

checkout.addEventListener('lx-checkout-complete', (event) => {
  const { amount, currency } = event.detail;
  const paid = new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(
    amount /
      10 **
        (new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2),
  );
  payment.textContent = `Payment of ${paid} went through. Waiting for the signed enrollment webhook…`;
});
checkout.addEventListener('lx-checkout-error', (event) => {
  payment.textContent = `The payment did not go through: ${event.detail.message}`;
});

const courseId = checkout.getAttribute('course-id');
const courseTitle = document.querySelector('h1').textContent;

function describe(event) {
  const data = event.data ?? {};
  const who = data.learnerId ?? 'a learner';
  const course = data.courseId === courseId ? courseTitle : (data.courseId ?? '');
  const when = new Date(event.receivedAt).toLocaleTimeString();
  return `${event.type}: ${who}${course ? ` → ${course}` : ''} (verified, received ${when})`;
}

let shown = '';
async function poll() {
  try {
    const response = await fetch('/demo/partner-events', { cache: 'no-store' });
    const { endpoint: state, events } = await response.json();
    endpoint.textContent =
      state === 'registered'
        ? "The LMS's backend registered its webhook endpoint with the kit's server; verified events appear below."
        : 'The kit server does not deliver partner webhooks to this portal, so the LMS hears nothing.';
    const relevant = events.filter(
      (e) =>
        e.type.startsWith('enrollment.') ||
        e.type.startsWith('purchase.') ||
        e.type.startsWith('refund.'),
    );
    const key = relevant.map((e) => e.id).join();
    if (key !== shown) {
      shown = key;
      list.replaceChildren(
        ...relevant.map((event) => {
          const item = document.createElement('li');
          item.textContent = describe(event);
          item.dataset.type = event.type;
          return item;
        }),
      );
      const mine = (e) =>
        e.type === 'enrollment.created' &&
        e.data?.courseId === courseId &&
        e.data?.learnerId === learner;
      if (relevant.some(mine)) {
        payment.textContent = 'Enrolled: the course is open in the LMS.';
      }
    }
  } catch {
    endpoint.textContent = 'The LMS backend cannot be reached.';
  }
}
poll();
setInterval(poll, 1500);
