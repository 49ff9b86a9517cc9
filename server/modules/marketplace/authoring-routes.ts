import { createRoute, type z } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { authorOf, requireAuthor, requireServer, uploadLimit } from './authoring-access.js';
import {
  AuthoredCourse,
  AuthoredCourses,
  AuthoredCoursesQuery,
  CourseIdParam,
  CourseInput,
  CourseUpdate,
  CoverUpload,
  EarningsQuery,
  EarningsReport,
  IdParam,
  Instructor,
  InstructorInput,
  Instructors,
  InstructorUpdate,
  MaterialParams,
  MaterialUpload,
  ReviewVisibility,
  ReviewVisibilityState,
  SplitSettings,
} from './contract.js';
import { COVER_MAX_BYTES, MATERIAL_MAX_BYTES } from './files.js';
import type { ServicesContext } from '../../context.js';

// The app lifts its general body limit for these paths; the routes apply their own.
export { isUpload } from './authoring-access.js';

const authorSecurity = [{ secretKey: [] }, { publishableKey: [], learnerToken: [] }] as Record<
  string,
  string[]
>[];

const authorRoute = {
  tags: ['Courses: authoring'],
  security: authorSecurity,
  middleware: chain(requireAuthor),
};

const serverRoute = {
  tags: ['Courses: authoring'],
  security: [{ secretKey: [] }],
  middleware: chain(requireServer),
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const createInstructor = createRoute({
  ...serverRoute,
  method: 'post',
  path: '/instructors',
  summary: 'Add an instructor',
  description:
    'Give `subject` (a learner token `sub`) to let that learner author their own courses with ' +
    'their token. `enterprise` instructors get the license’s enterprise split; `shareBps` ' +
    'overrides both.',
  request: body(InstructorInput),
  responses: {
    201: json(Instructor, 'The instructor'),
    ...problemResponses(400, 401, 403, 409, 429),
  },
});

const listInstructors = createRoute({
  ...serverRoute,
  method: 'get',
  path: '/instructors',
  summary: 'The license’s instructors',
  responses: {
    200: json(Instructors, 'Oldest first'),
    ...problemResponses(401, 403, 429),
  },
});

const updateInstructor = createRoute({
  ...serverRoute,
  method: 'patch',
  path: '/instructors/{id}',
  summary: 'Change an instructor',
  request: { params: IdParam, ...body(InstructorUpdate) },
  responses: {
    200: json(Instructor, 'The instructor'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const getSplit = createRoute({
  ...serverRoute,
  method: 'get',
  path: '/split',
  summary: 'The license’s revenue split',
  responses: { 200: json(SplitSettings, 'The split'), ...problemResponses(401, 403, 429) },
});

const putSplit = createRoute({
  ...serverRoute,
  method: 'put',
  path: '/split',
  summary: 'Set the license’s revenue split (applies to payments from now on)',
  request: body(SplitSettings.strict()),
  responses: { 200: json(SplitSettings, 'The split'), ...problemResponses(400, 401, 403, 429) },
});

const hideReview = createRoute({
  ...serverRoute,
  method: 'put',
  path: '/reviews/{id}/hidden',
  summary: 'Hide a review (or show it again); hidden reviews leave the rating',
  request: { params: IdParam, ...body(ReviewVisibility) },
  responses: {
    200: json(ReviewVisibilityState, 'The review’s state'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const listCourses = createRoute({
  ...authorRoute,
  method: 'get',
  path: '/courses',
  summary: 'Courses of the license (secret key) or of the instructor, in every status',
  request: { query: AuthoredCoursesQuery },
  responses: {
    200: json(AuthoredCourses, 'Newest first'),
    ...problemResponses(400, 401, 403, 429),
  },
});

const createCourse = createRoute({
  ...authorRoute,
  method: 'post',
  path: '/courses',
  summary: 'Create a course',
  description:
    'Price in integer minor units of `currency` (amount 0: free). `descriptionFormat` ' +
    '`markdown` accepts a small subset (paragraphs, ## and ### headings, lists, **strong**, ' +
    '*em*, `code`, [links](https://…)); it is parsed into blocks, never turned into HTML.',
  request: body(CourseInput),
  responses: {
    201: json(AuthoredCourse, 'The course'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const getCourse = createRoute({
  ...authorRoute,
  method: 'get',
  path: '/courses/{id}',
  summary: 'A course as its author sees it',
  request: { params: CourseIdParam },
  responses: { 200: json(AuthoredCourse, 'The course'), ...problemResponses(401, 403, 404, 429) },
});

const updateCourse = createRoute({
  ...authorRoute,
  method: 'patch',
  path: '/courses/{id}',
  summary: 'Edit a course, publish it (`status: "published"`) or archive it',
  request: { params: CourseIdParam, ...body(CourseUpdate) },
  responses: {
    200: json(AuthoredCourse, 'The course'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const putCover = createRoute({
  ...authorRoute,
  middleware: chain(uploadLimit(COVER_MAX_BYTES), requireAuthor),
  method: 'put',
  path: '/courses/{id}/cover',
  summary: `Upload the cover (multipart field \`cover\`: PNG, JPEG or WebP, up to ${COVER_MAX_BYTES / 1024 / 1024} MiB)`,
  request: {
    params: CourseIdParam,
    body: {
      content: { 'multipart/form-data': { schema: CoverUpload } },
      required: true,
    },
  },
  responses: {
    200: json(AuthoredCourse, 'The course'),
    ...problemResponses(400, 401, 403, 404, 413, 429),
    415: { description: 'Not an accepted image type, or the content is not what it claims' },
  },
});

const addMaterial = createRoute({
  ...authorRoute,
  middleware: chain(uploadLimit(MATERIAL_MAX_BYTES), requireAuthor),
  method: 'post',
  path: '/courses/{id}/materials',
  summary: `Upload a material (multipart \`file\` and \`title\`, up to ${MATERIAL_MAX_BYTES / 1024 / 1024} MiB)`,
  description:
    'Accepted: PDF, EPUB, ZIP, MP4, WebM, MP3, M4A, PNG, JPEG, WebP — the declared type must ' +
    'match the content. Files are stored by content hash; learners download them through ' +
    'signed links.',
  request: {
    params: CourseIdParam,
    body: {
      content: { 'multipart/form-data': { schema: MaterialUpload } },
      required: true,
    },
  },
  responses: {
    201: json(AuthoredCourse, 'The course with the new material'),
    ...problemResponses(400, 401, 403, 404, 413, 429),
    415: { description: 'Not an accepted type, or the content is not what it claims' },
  },
});

const removeMaterial = createRoute({
  ...authorRoute,
  method: 'delete',
  path: '/courses/{id}/materials/{materialId}',
  summary: 'Remove a material',
  request: { params: MaterialParams },
  responses: { 200: json(AuthoredCourse, 'The course'), ...problemResponses(401, 403, 404, 429) },
});

const earnings = createRoute({
  ...authorRoute,
  method: 'get',
  path: '/earnings',
  summary: 'Earnings report of an instructor for a period',
  description:
    'With the secret key, name the instructor with `instructorId`; an instructor sees their ' +
    'own. `from` inclusive, `to` exclusive (ISO 8601). Amounts in minor units per currency.',
  request: { query: EarningsQuery },
  responses: {
    200: json(EarningsReport, 'The report'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

function svc(c: ServicesContext) {
  return c.get('services').marketplace;
}

async function fileOf(
  value: File,
): Promise<{ meta: { type: string; size: number }; bytes: Buffer }> {
  return {
    meta: { type: value.type, size: value.size },
    bytes: Buffer.from(await value.arrayBuffer()),
  };
}

export const authoringRoutes = createRouter()
  .openapi(createInstructor, async (c) =>
    c.json(await svc(c).createInstructor(c.var.license.id, c.req.valid('json')), 201),
  )
  .openapi(listInstructors, async (c) =>
    c.json({ items: await svc(c).instructors(c.var.license.id) }, 200),
  )
  .openapi(updateInstructor, async (c) =>
    c.json(
      await svc(c).updateInstructor(c.var.license.id, c.req.valid('param').id, c.req.valid('json')),
      200,
    ),
  )
  .openapi(getSplit, async (c) => {
    const { instructorShareBps, enterpriseShareBps } = await svc(c).settings(c.var.license.id);
    return c.json({ instructorShareBps, enterpriseShareBps }, 200);
  })
  .openapi(putSplit, async (c) =>
    c.json(await svc(c).setSplit(c.var.license.id, c.req.valid('json')), 200),
  )
  .openapi(hideReview, async (c) =>
    c.json(
      await svc(c).reviews.setHidden(
        c.var.license.id,
        c.req.valid('param').id,
        c.req.valid('json').hidden,
      ),
      200,
    ),
  )
  .openapi(listCourses, async (c) => {
    const { status } = c.req.valid('query');
    return c.json(
      {
        items: await svc(c).authoring.authoredCourses(await authorOf(c), status ? { status } : {}),
      },
      200,
    );
  })
  .openapi(createCourse, async (c) =>
    c.json(await svc(c).authoring.createCourse(await authorOf(c), c.req.valid('json')), 201),
  )
  .openapi(getCourse, async (c) =>
    c.json(await svc(c).authoring.authoredCourse(await authorOf(c), c.req.valid('param').id), 200),
  )
  .openapi(updateCourse, async (c) =>
    c.json(
      await svc(c).authoring.updateCourse(
        await authorOf(c),
        c.req.valid('param').id,
        c.req.valid('json'),
      ),
      200,
    ),
  )
  .openapi(putCover, async (c) => {
    const { meta, bytes } = await fileOf(c.req.valid('form').cover);
    return c.json(
      await svc(c).authoring.setCover(await authorOf(c), c.req.valid('param').id, meta, bytes),
      200,
    );
  })
  .openapi(addMaterial, async (c) => {
    const form = c.req.valid('form');
    const { meta, bytes } = await fileOf(form.file);
    const fileName = (form.file.name || 'file').slice(0, 200);
    return c.json(
      await svc(c).authoring.addMaterial(
        await authorOf(c),
        c.req.valid('param').id,
        { title: form.title ?? fileName, fileName },
        meta,
        bytes,
      ),
      201,
    );
  })
  .openapi(removeMaterial, async (c) => {
    const params = c.req.valid('param');
    return c.json(
      await svc(c).authoring.removeMaterial(await authorOf(c), params.id, params.materialId),
      200,
    );
  })
  .openapi(earnings, async (c) => {
    const author = await authorOf(c);
    const q = c.req.valid('query');
    const instructorId = author.instructorId ?? q.instructorId;
    if (!instructorId) {
      throw new ApiError('validation_failed', 'Name the instructor.', {
        errors: [{ path: 'query.instructorId', message: 'Required with the secret key' }],
      });
    }
    if (author.instructorId && q.instructorId && q.instructorId !== author.instructorId) {
      throw new ApiError('forbidden', 'An instructor sees their own earnings only.');
    }
    return c.json(
      await svc(c).earnings.report(author.licenseId, instructorId, {
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
      }),
      200,
    );
  });
