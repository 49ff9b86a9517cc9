import { z } from '@hono/zod-openapi';

/**
 * The learners API contract: the claims a customer's backend puts in a learner token, and
 * the signed-in learner as the API shows them back.
 */

export const learnerRoles = ['learner', 'admin'] as const;
export type LearnerRole = (typeof learnerRoles)[number];

/** The claims of a learner token this server reads (`exp`, `iss` and `aud` are checked apart). */
export const LearnerTokenClaims = z.object({
  sub: z.string().min(1).max(256),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320).optional(),
  classes: z.array(z.string().min(1).max(100)).max(500).default([]),
  role: z.enum(learnerRoles).default('learner'),
});
export type LearnerTokenClaims = z.infer<typeof LearnerTokenClaims>;

export const LearnerView = z
  .object({
    id: z.string(),
    subject: z.string().openapi({ description: "The customer's id for the learner (`sub`)" }),
    name: z.string(),
    email: z.string().nullable(),
    role: z.enum(learnerRoles),
    classes: z.array(z.string()),
  })
  .openapi('Learner');
export type LearnerView = z.infer<typeof LearnerView>;

export const Me = z
  .object({
    learner: LearnerView,
    license: z.object({ id: z.string(), name: z.string(), plan: z.string() }),
  })
  .openapi('Me');
export type Me = z.infer<typeof Me>;
