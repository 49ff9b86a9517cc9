import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { contrastReport } from '../../../themes/contrast.js';
import { presetInfo } from '../../../themes/presets.js';
import { deliveredTheme } from '../../../themes/resolve.js';
import { ApiError } from '../../errors.js';
import { requireLicense } from '../../middleware/license.js';
import { requireTenantAdmin } from '../../middleware/learner.js';
import { problemResponses, tenantAdminSecurity } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import type { LicensedEnv } from '../../types.js';
import {
  CurrentThemes,
  DraftPreview,
  DraftView,
  PresetList,
  PublishInput,
  PublishResult,
  RollbackInput,
  ThemeInput,
  VersionList,
  VersionParam,
  VersionsQuery,
  VersionView,
} from './contract.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const admin = {
  tags: ['Themes'],
  security: tenantAdminSecurity,
  middleware: chain(requireTenantAdmin()),
};

function licenseId(c: Context<LicensedEnv>): string {
  return c.var.license.id;
}

/** Who made a change, as recorded on drafts and versions. */
function actor(c: Context<LicensedEnv>): string {
  const learner = c.get('learner');
  return learner ? `learner:${learner.subject}` : 'secret_key';
}

const current = createRoute({
  ...admin,
  method: 'get',
  path: '/',
  summary: 'The live theme version and the draft, with its contrast report',
  responses: {
    200: json(CurrentThemes, 'Published and draft themes'),
    ...problemResponses(401, 403, 429),
  },
});

const saveDraft = createRoute({
  ...admin,
  method: 'put',
  path: '/draft',
  summary: 'Save the draft (validated; nothing reaches widgets until it is published)',
  request: { body: { content: { 'application/json': { schema: ThemeInput } }, required: true } },
  responses: {
    200: json(DraftView, 'The saved draft and its contrast report'),
    ...problemResponses(400, 401, 403, 413, 429),
  },
});

const discardDraft = createRoute({
  ...admin,
  method: 'delete',
  path: '/draft',
  summary: 'Discard the draft',
  responses: { 204: { description: 'Discarded' }, ...problemResponses(401, 403, 404, 429) },
});

const previewDraft = createRoute({
  ...admin,
  method: 'get',
  path: '/draft/preview',
  summary: 'The embed configuration as widgets would get it with the draft published',
  responses: {
    200: json(DraftPreview, 'Preview'),
    ...problemResponses(401, 403, 404, 429),
  },
});

const publish = createRoute({
  ...admin,
  method: 'post',
  path: '/publish',
  summary: 'Publish the draft as the next version',
  description:
    'Text on surface and brand-contrast on brand must reach WCAG AA (4.5:1) in every scheme the ' +
    'theme renders in. A theme that fails is a 409 with `reason: "contrast_below_aa"` and the ' +
    'failing fields in `errors`, unless `override` is true: then it is published and the ' +
    'failures come back as `warnings`. Widgets pick the new version up on their next load ' +
    '(the embed configuration ETag changes).',
  request: { body: { content: { 'application/json': { schema: PublishInput } }, required: true } },
  responses: {
    200: json(PublishResult, 'The new live version'),
    ...problemResponses(400, 401, 403, 409, 429),
  },
});

const rollback = createRoute({
  ...admin,
  method: 'post',
  path: '/rollback',
  summary: 'Publish a copy of an earlier version as the next version',
  request: {
    body: { content: { 'application/json': { schema: RollbackInput } }, required: true },
  },
  responses: {
    200: json(PublishResult, 'The new live version'),
    ...problemResponses(400, 401, 403, 404, 409, 429),
  },
});

const history = createRoute({
  ...admin,
  method: 'get',
  path: '/versions',
  summary: 'Published versions, newest first',
  request: { query: VersionsQuery },
  responses: {
    200: json(VersionList, 'A page of versions'),
    ...problemResponses(400, 401, 403, 429),
  },
});

const oneVersion = createRoute({
  ...admin,
  method: 'get',
  path: '/versions/{version}',
  summary: 'One published version',
  request: { params: VersionParam },
  responses: {
    200: json(VersionView, 'The version'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const presetList = createRoute({
  tags: ['Themes'],
  security: [{ publishableKey: [] }],
  middleware: chain(requireLicense),
  method: 'get',
  path: '/presets',
  summary: 'The presets a brand admin can start from, with their contrast reports',
  responses: {
    200: json(PresetList, 'Presets'),
    ...problemResponses(401, 403, 429),
  },
});

export const themeRoutes = createRouter()
  .openapi(current, async (c) => {
    const themes = c.get('services').themes;
    const id = licenseId(c);
    const published = await themes.published(id);
    const draft = await themes.draft(id);
    return c.json({ published, draft }, 200);
  })
  .openapi(saveDraft, async (c) => {
    const draft = await c
      .get('services')
      .themes.saveDraft(licenseId(c), c.req.valid('json'), actor(c));
    return c.json(draft, 200);
  })
  .openapi(discardDraft, async (c) => {
    if (!(await c.get('services').themes.discardDraft(licenseId(c)))) {
      throw new ApiError('not_found', 'There is no draft.');
    }
    return c.body(null, 204);
  })
  .openapi(previewDraft, async (c) => {
    const { themes, embed } = c.get('services');
    const license = c.var.license;
    const draft = await themes.draft(license.id);
    if (!draft) throw new ApiError('not_found', 'There is no draft to preview.');
    const version = (await themes.live(license.id)).version;
    return c.json(await embed.build(license, { version, theme: deliveredTheme(draft.theme) }), 200);
  })
  .openapi(publish, async (c) => {
    const body = c.req.valid('json');
    return c.json(await c.get('services').themes.publish(licenseId(c), body, actor(c)), 200);
  })
  .openapi(rollback, async (c) => {
    const body = c.req.valid('json');
    return c.json(await c.get('services').themes.rollback(licenseId(c), body, actor(c)), 200);
  })
  .openapi(history, async (c) => {
    const query = c.req.valid('query');
    const versions = await c.get('services').themes.history(licenseId(c), query);
    return c.json({ versions }, 200);
  })
  .openapi(oneVersion, async (c) => {
    const { version } = c.req.valid('param');
    return c.json(await c.get('services').themes.version(licenseId(c), version), 200);
  })
  .openapi(presetList, (c) => {
    const presets = Object.entries(presetInfo).map(([id, preset]) => ({
      id,
      label: preset.label,
      description: preset.description,
      theme: preset.theme,
      contrast: contrastReport(preset.theme),
    }));
    return c.json({ presets }, 200);
  });
