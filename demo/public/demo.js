// The host page's own code: it signs the learner in through the portal's backend and listens
// to the kit's events like any DOM event.
import { bindSignIn, learners, signInWidgets, tokenProvider } from './session.js';

const learner = bindSignIn(document.getElementById('learner'));
const provider = tokenProvider(learner);
signInWidgets(provider);
document.getElementById('who').textContent = `Token signed by the portal's backend for ${
  learners.find((l) => l.subject === learner).name
}.`;

const note = document.getElementById('selection');
document.getElementById('pricing').addEventListener('lx-plan-select', (event) => {
  const { planId, interval } = event.detail;
  note.textContent = `You chose the ${planId} plan, billed per ${interval}.`;
});

// The catalog and the pricing table open the checkout themselves; the host hears the outcome.
const purchase = document.getElementById('purchase');
document.addEventListener('lx-checkout-complete', (event) => {
  purchase.textContent =
    event.detail.kind === 'course'
      ? "Paid: the course is yours. The academy's server learns it from a signed webhook."
      : "Subscribed: the plan's features are yours.";
});

const earned = document.getElementById('earned');
document.getElementById('lesson').addEventListener('click', async () => {
  const response = await fetch('/demo/activity', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ learner, activity: 'lesson.completed' }),
  });
  const result = await response.json();
  if (!response.ok) {
    earned.textContent = result.detail ?? 'The lesson could not be reported.';
    return;
  }
  earned.textContent = result.awarded
    ? `+${result.awarded} tokens (balance ${result.balance}).`
    : 'Daily cap reached for lessons: no tokens this time.';
  // The host tells the widgets that something changed on the server side.
  await Promise.all(['wallet', 'leaderboard'].map((id) => document.getElementById(id).refresh()));
});
