// The host page's own code. It asks the demo backend (standing in for the customer's server)
// for Grace's learner token, and hands the dashboard a provider so a token about to expire is
// replaced before a request rather than failing it.
const who = document.getElementById('who');
const dashboard = document.getElementById('usage');
const editor = document.getElementById('editor');
const ticketNote = document.getElementById('ticket-note');

let current;

async function signIn() {
  const response = await fetch('/demo/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ learner: 'grace' }),
  });
  if (!response.ok) throw new Error(`sign-in failed (HTTP ${response.status})`);
  return response.json();
}

async function token() {
  if (!current || Date.parse(current.expiresAt) - Date.now() < 60_000) current = await signIn();
  return current.token;
}

token().then(
  () => {
    who.textContent = `Signed in as ${current.learner.name} (${current.learner.role}).`;
    dashboard.tokenProvider = token;
    editor.tokenProvider = token;
  },
  (error) => {
    who.textContent = `Could not sign in: ${error.message}`;
  },
);

dashboard.addEventListener('lx-ticket-create', (event) => {
  const { subject, firstResponseDueAt } = event.detail;
  ticketNote.textContent = firstResponseDueAt
    ? `Ticket "${subject}" sent; support answers by ${new Date(firstResponseDueAt).toLocaleString()}.`
    : `Ticket "${subject}" sent.`;
});
