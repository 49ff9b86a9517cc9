// The host portal's own sign-in. A real portal knows who is signed in from its own session;
// the demo lets the visitor pick a demo learner. The portal's backend (POST /demo/token, on
// this origin) signs the learner token, as a customer's server would; widgets get a provider
// that asks again shortly before the token expires.

const STORAGE_KEY = 'lx-demo-learner';

export const learners = [
  { subject: 'ada', name: 'Ada Lovelace' },
  { subject: 'alan', name: 'Alan Turing' },
  { subject: 'grace', name: 'Grace Hopper (admin)' },
];

export function currentLearner() {
  const stored = localStorage.getItem(STORAGE_KEY);
  return learners.some((l) => l.subject === stored) ? stored : 'ada';
}

/** A token provider for the widgets: one fetch, reused until a minute before expiry. */
export function tokenProvider(learner, tenant = 'academy') {
  let current;
  return async () => {
    if (!current || Date.parse(current.expiresAt) - Date.now() < 60_000) {
      const response = await fetch('/demo/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ learner, tenant }),
      });
      if (!response.ok) throw new Error(`sign-in failed (HTTP ${response.status})`);
      current = await response.json();
    }
    return current.token;
  };
}

/** Fills the "Signed in as" picker; choosing another learner reloads the page as them. */
export function bindSignIn(select) {
  const chosen = currentLearner();
  for (const learner of learners) {
    const option = document.createElement('option');
    option.value = learner.subject;
    option.textContent = learner.name;
    option.selected = learner.subject === chosen;
    select.append(option);
  }
  select.addEventListener('change', () => {
    localStorage.setItem(STORAGE_KEY, select.value);
    location.reload();
  });
  return chosen;
}

/**
 * Hands every widget in `root` that needs a learner the same token provider. Widgets that open
 * the checkout (catalog, pricing table) also get the first token as `userToken`, which the
 * checkout they open inherits as its `user-token` attribute from the start; the provider still
 * wins for every request.
 */
export function signInWidgets(provider, root = document) {
  const widgets = [...root.querySelectorAll('[data-signed-in]')];
  for (const el of widgets) el.tokenProvider = provider;
  provider().then(
    (token) => {
      for (const el of widgets) {
        if (el.localName === 'lx-course-catalog' || el.localName === 'lx-pricing-table') {
          el.userToken = token;
        }
      }
    },
    () => undefined,
  );
}
