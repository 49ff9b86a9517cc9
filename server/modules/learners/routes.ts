import { createRoute, z } from '@hono/zod-openapi';
import { requireLearner } from '../../middleware/learner.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';

export const LearnerSchema = z
  .object({
    id: z.string(),
    subject: z.string().openapi({ description: "The customer's id for the learner (`sub`)" }),
    name: z.string(),
    email: z.string().nullable(),
    role: z.enum(['learner', 'admin']),
    classes: z.array(z.string()),
  })
  .openapi('Learner');

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
        'application/json': {
          schema: z
            .object({
              learner: LearnerSchema,
              license: z.object({ id: z.string(), name: z.string(), plan: z.string() }),
            })
            .openapi('Me'),
        },
      },
    },
    ...problemResponses(401, 403, 429, 503),
  },
});

export const meRoutes = createRouter().openapi(me, (c) => {
  const learner = c.var.learner;
  const license = c.var.license;
  c.header('Cache-Control', 'private, no-store');
  return c.json(
    {
      learner: {
        id: learner.id,
        subject: learner.subject,
        name: learner.name,
        email: learner.email,
        role: learner.role,
        classes: learner.classes,
      },
      license: { id: license.id, name: license.name, plan: license.plan },
    },
    200,
  );
});
