// Each tenant signs its learners with its own signing secret: the academy's widgets get the
// academy's token, the studio's widgets the studio's.
import { bindSignIn, tokenProvider } from './session.js';

const learner = bindSignIn(document.getElementById('learner'));
const providers = { academy: tokenProvider(learner), studio: tokenProvider(learner, 'studio') };
for (const el of document.querySelectorAll('[data-signed-in]')) {
  el.tokenProvider = providers[el.dataset.tenant];
}
