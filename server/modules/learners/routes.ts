import { createRoute } from '@hono/zod-openapi';
import { requireLearner } from '../../middleware/learner.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { Me } from './contract.js';

const me = createRoute({
  method: 'get',
  path: '/',
  tags: ['Learners'],
  summary: 'The signed-in learner',
  description: 'Who the learner token names, as this license knows them. Proves a token works.',
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(requireLearner()),
  responses: {
    200: {
      description: 'The learner and their license',
      content: {
        'application/json': { schema: Me },
      },
    },
    ...problemResponses(401, 403, 429, 503),
  },
});

export const meRoutes = createRouter().openapi(me, (c) => {
  const learner = c.var.learner;
  const license = c.var.license;
  c.header('Cache-Control', 'private, no-store');
  const me: Me = {
    learner: {
      id: learner.id,
      subject: learner.subject,
      name: learner.name,
      email: learner.email,
      role: learner.role,
      classes: learner.classes,
    },
    license: { id: license.id, name: license.name, plan: license.plan },
  };
  return c.json(me, 200);
});
