import fs from 'node:fs';
import { Readable } from 'node:stream';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../../errors.js';
import { bearer } from '../../middleware/admission.js';
import { withLicense } from '../../middleware/license.js';
import { identifyLearner, requireLearner } from '../../middleware/learner.js';
import { jsonResponse, problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import type { AppEnv, LicensedEnv } from '../../types.js';
import type { Learner } from '../learners/service.js';
import {
  CourseCard,
  CourseDetail,
  CourseIdParam,
  CoverQuery,
  DownloadLink,
  DownloadParams,
  HelpfulInput,
  HelpfulMark,
  MaterialParams,
  MyCourses,
  Review,
  ReviewInput,
  ReviewPage,
  ReviewParams,
  ReviewQuery,
  SearchPage,
  SearchQuery,
  SuggestQuery,
  Suggestions,
} from './contract.js';
import type { ServicesContext } from '../../context.js';
import { servicesOf } from '../../context.js';

/**
 * The publishable key, and a learner token when one is sent: the catalog answers everyone,
 * and marks what the signed-in learner is enrolled in.
 */
export const optionalLearner = createMiddleware<LicensedEnv>((c, next) =>
  withLicense(c, async () => {
    await identifyLearner(c, { required: false });
    await next();
  }),
);

const publicRoute = {
  tags: ['Courses'],
  security: [{ publishableKey: [] }, { publishableKey: [], learnerToken: [] }] as Record<
    string,
    string[]
  >[],
  middleware: chain(optionalLearner),
};

const learnerRoute = {
  tags: ['Courses'],
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(requireLearner()),
};

const search = createRoute({
  ...publicRoute,
  method: 'get',
  path: '/',
  summary: 'Search and browse the published catalog',
  description:
    '`q` is full text over title, subtitle, tags and description (words of two characters or ' +
    'more match as prefixes; the title weighs most). Filters combine with AND. `minPrice` and ' +
    '`maxPrice` are minor units of each course’s own currency. Sorts: `relevance` (default with ' +
    '`q`), `newest` (default without), `price_asc`, `price_desc`, `rating`, `popular`. Pass ' +
    '`nextCursor` back as `cursor` for the next page; pages neither repeat nor skip a course ' +
    'while the catalog is unchanged. Facet counts leave out their own dimension’s filter.',
  request: { query: SearchQuery },
  responses: {
    200: jsonResponse(SearchPage, 'A page of course cards, the total and the facet counts'),
    ...problemResponses(400, 401, 403, 429),
  },
});

const suggest = createRoute({
  ...publicRoute,
  method: 'get',
  path: '/suggest',
  summary: 'Type-ahead: up to 8 published courses whose title starts with the words typed',
  request: { query: SuggestQuery },
  responses: {
    200: jsonResponse(Suggestions, 'Suggestions, best first'),
    ...problemResponses(400, 401, 403, 429),
  },
});

const download = createRoute({
  tags: ['Courses'],
  method: 'get',
  path: '/files/{token}',
  summary: 'Download a course material through a signed link',
  description:
    'The link comes from `POST /v1/courses/{id}/materials/{materialId}/link`; it works for ' +
    'five minutes, for the learner it was made for, while they are enrolled. When the request ' +
    'also carries a publishable key and learner token, they must be that learner’s.',
  request: { params: DownloadParams },
  responses: {
    200: { description: 'The file, as an attachment' },
    ...problemResponses(403, 404),
  },
});

const detail = createRoute({
  ...publicRoute,
  method: 'get',
  path: '/{id}',
  summary: 'A published course with its description, materials and rating',
  description:
    'The description is parsed on the server into blocks (paragraph, heading, list) of inline ' +
    'runs (`text` with optional `strong`, `em`, `code`, `href`); no HTML is ever produced, and ' +
    'only http(s) links survive. Render every `text` as text.',
  request: { params: CourseIdParam },
  responses: {
    200: jsonResponse(CourseDetail, 'The course'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const cover = createRoute({
  tags: ['Courses'],
  method: 'get',
  path: '/{id}/cover',
  summary: 'The cover image of a course (no key needed: an `<img>` cannot send one)',
  request: { params: CourseIdParam, query: CoverQuery },
  responses: {
    200: { description: 'The image (PNG, JPEG or WebP)' },
    ...problemResponses(404),
  },
});

const reviews = createRoute({
  ...publicRoute,
  method: 'get',
  path: '/{id}/reviews',
  summary: 'Reviews of a course, with the rating summary',
  description:
    'Sorts: `newest` (default), `helpful`, `highest`, `lowest`. Hidden reviews are not listed ' +
    'nor counted. `mine` marks the signed-in learner’s review.',
  request: { params: CourseIdParam, query: ReviewQuery },
  responses: {
    200: jsonResponse(ReviewPage, 'A page of reviews'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const putReview = createRoute({
  ...learnerRoute,
  method: 'put',
  path: '/{id}/reviews/mine',
  summary: 'Write or edit the learner’s review (enrolled learners only)',
  description: `Rating 1–5; text up to 4000 characters, stored and returned as plain text.`,
  request: {
    params: CourseIdParam,
    body: { content: { 'application/json': { schema: ReviewInput } }, required: true },
  },
  responses: {
    200: jsonResponse(Review, 'The review'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const deleteReview = createRoute({
  ...learnerRoute,
  method: 'delete',
  path: '/{id}/reviews/mine',
  summary: 'Delete the learner’s review',
  request: { params: CourseIdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 429) },
});

const helpful = createRoute({
  ...learnerRoute,
  method: 'put',
  path: '/{id}/reviews/{reviewId}/helpful',
  summary: 'Mark another learner’s review helpful, or take the mark back',
  description: 'One mark per learner and review; the `helpful` sort orders by these marks.',
  request: {
    params: ReviewParams,
    body: { content: { 'application/json': { schema: HelpfulInput } }, required: true },
  },
  responses: {
    200: jsonResponse(HelpfulMark, 'The review’s count and the learner’s mark'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const enroll = createRoute({
  ...learnerRoute,
  method: 'post',
  path: '/{id}/enroll',
  summary: 'Enroll in a free course',
  description:
    'Paid courses are bought with `POST /v1/checkout/sessions` (`kind: "course"`); asking here ' +
    'is a 409 with `reason: "paid_course"`, and `already_enrolled` when enrolled.',
  request: { params: CourseIdParam },
  responses: {
    201: jsonResponse(CourseCard, 'The course, now enrolled'),
    ...problemResponses(401, 403, 404, 409, 429),
  },
});

const link = createRoute({
  ...learnerRoute,
  method: 'post',
  path: '/{id}/materials/{materialId}/link',
  summary: 'A signed download link for a material (enrolled learners only)',
  request: { params: MaterialParams },
  responses: {
    200: jsonResponse(DownloadLink, 'The link, valid for five minutes, for this learner only'),
    ...problemResponses(401, 403, 404, 429),
  },
});

function marketplace(c: ServicesContext) {
  return servicesOf(c).marketplace;
}

function learnerId(c: Context<LicensedEnv>): string | null {
  return c.var.learner?.id ?? null;
}

/** The learner a download request names, if it carries a publishable key and a token. */
async function requester<E extends AppEnv>(c: Context<E>): Promise<Learner | null> {
  const key = c.req.header('liberation-key');
  const token = bearer(c);
  if (!key || !token) return null;
  const services = servicesOf(c);
  const license = await services.licenses.requirePublishable(key, c.req.header('origin'));
  return services.learners.authenticate(license, token);
}

function attachmentName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function fileResponse<E extends AppEnv>(
  c: Context<E>,
  file: string,
  headers: Record<string, string>,
): Response {
  if (!fs.existsSync(file)) throw new ApiError('not_found', 'The file is missing from storage.');
  const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  return c.body(stream, 200, {
    'Content-Length': String(fs.statSync(file).size),
    // Never rendered as a page of this origin, whatever is inside.
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
}

export const courseRoutes = createRouter()
  .openapi(search, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    return c.json(
      await marketplace(c).catalog.search(c.var.license.id, learnerId(c), c.req.valid('query')),
      200,
    );
  })
  .openapi(suggest, async (c) => {
    const suggestions = await marketplace(c).search.suggest(
      c.var.license.id,
      c.req.valid('query').q,
    );
    return c.json({ suggestions }, 200);
  })
  .openapi(download, async (c) => {
    const file = await marketplace(c).downloads.resolve(
      c.req.valid('param').token,
      await requester(c),
    );
    return fileResponse(c, file.path, {
      'Content-Type': file.contentType,
      'Content-Disposition': attachmentName(file.fileName),
      'Cache-Control': 'private, no-store',
    });
  })
  .openapi(detail, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    return c.json(
      await marketplace(c).catalog.detail(c.var.license.id, c.req.valid('param').id, learnerId(c)),
      200,
    );
  })
  .openapi(cover, async (c) => {
    const found = await marketplace(c).catalog.cover(c.req.valid('param').id);
    if (!found) throw new ApiError('not_found', 'This course has no cover.');
    const versioned = c.req.valid('query').v === found.sha256.slice(0, 16);
    return fileResponse(c, marketplace(c).files.pathOf(found.sha256), {
      'Content-Type': found.contentType,
      'Cache-Control': versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
  })
  .openapi(reviews, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    return c.json(
      await marketplace(c).reviews.list(
        c.var.license.id,
        c.req.valid('param').id,
        learnerId(c),
        c.req.valid('query'),
      ),
      200,
    );
  })
  .openapi(putReview, async (c) =>
    c.json(
      await marketplace(c).reviews.upsert(
        c.var.learner,
        c.req.valid('param').id,
        c.req.valid('json'),
      ),
      200,
    ),
  )
  .openapi(deleteReview, async (c) => {
    await marketplace(c).reviews.remove(c.var.learner, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(helpful, async (c) => {
    const { id, reviewId } = c.req.valid('param');
    return c.json(
      await marketplace(c).reviews.vote(c.var.learner, id, reviewId, c.req.valid('json').helpful),
      200,
    );
  })
  .openapi(enroll, async (c) =>
    c.json(
      await marketplace(c).enrollments.enrollFree(c.var.learner, c.req.valid('param').id),
      201,
    ),
  )
  .openapi(link, async (c) => {
    const { id, materialId } = c.req.valid('param');
    c.header('Cache-Control', 'private, no-store');
    return c.json(await marketplace(c).downloads.link(c.var.learner, id, materialId), 200);
  });

const myCourses = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/',
  summary: 'The courses the learner is enrolled in, most recent first',
  responses: {
    200: jsonResponse(MyCourses, 'Course cards, all `enrolled: true`'),
    ...problemResponses(401, 403, 429),
  },
});

export const myCourseRoutes = createRouter().openapi(myCourses, async (c) => {
  const learner = c.var.learner;
  c.header('Cache-Control', 'private, no-store');
  return c.json(
    { items: await marketplace(c).enrollments.myCourses(learner.licenseId, learner.id) },
    200,
  );
});
