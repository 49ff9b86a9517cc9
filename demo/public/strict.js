// Signs the demo admin in (an admin is also a learner), so the admin widgets work too.
import { signInWidgets, tokenProvider } from './session.js';

const provider = tokenProvider('grace');
signInWidgets(provider);
provider().then(
  () => (document.getElementById('who').textContent = 'Signed in as Grace Hopper (admin).'),
  (error) => (document.getElementById('who').textContent = `Could not sign in: ${error.message}`),
);
