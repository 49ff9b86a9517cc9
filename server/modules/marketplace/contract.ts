import { z } from '@hono/zod-openapi';

/**
 * The marketplace API contract: every request, response and event payload of the module, as
 * zod schemas that validate at the edge and make the OpenAPI document, with their types. The
 * catalog widget imports its types from here.
 *
 * Longer than a file by job usually is, and whole on purpose: it is one document, the module's
 * API as clients see it (learner catalog, then authoring), and the shapes lean on each other.
 */

export const courseStatuses = ['draft', 'published', 'archived'] as const;
export type CourseStatus = (typeof courseStatuses)[number];
export const courseLevels = ['beginner', 'intermediate', 'advanced', 'all'] as const;
export type CourseLevel = (typeof courseLevels)[number];
export const descriptionFormats = ['text', 'markdown'] as const;
export type DescriptionFormat = (typeof descriptionFormats)[number];
export const materialKinds = ['video', 'audio', 'document', 'image', 'archive'] as const;
export type MaterialKind = (typeof materialKinds)[number];
export const enrollmentSources = ['purchase', 'free', 'operator'] as const;
export type EnrollmentSource = (typeof enrollmentSources)[number];

const currencies = new Set(Intl.supportedValuesOf('currency'));

export const Currency = z
  .string()
  .length(3)
  .transform((c) => c.toUpperCase())
  .refine((c) => currencies.has(c), 'Expected an ISO 4217 currency code');

export const sortOrders = [
  'relevance',
  'newest',
  'price_asc',
  'price_desc',
  'rating',
  'popular',
] as const;
export type SortOrder = (typeof sortOrders)[number];

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const SearchQuery = z.object({
  q: z.string().max(200).optional(),
  category: z.string().min(1).max(60).optional(),
  level: z.enum(courseLevels).optional(),
  language: z.string().min(2).max(12).optional(),
  minPrice: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ description: 'Minor units of the course’s own currency' }),
  maxPrice: z.coerce.number().int().min(0).optional(),
  free: booleanParam.optional().openapi({ description: '`true`: free only; `false`: paid only' }),
  minRating: z.coerce.number().min(1).max(5).optional(),
  sort: z.enum(sortOrders).optional().openapi({
    description:
      'Default `relevance` with `q`, `newest` without. `relevance` without `q` is `popular`.',
  }),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const Price = z.object({
  amount: z.number().int().openapi({ description: 'Integer minor units; 0 means free' }),
  currency: z.string().length(3),
});
export type Price = z.infer<typeof Price>;

/** An id in the path. */
const idParam = (name: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' } });

export const CourseIdParam = z.object({ id: idParam('id') });
export const MaterialParams = CourseIdParam.extend({ materialId: idParam('materialId') });
export const ReviewParams = CourseIdParam.extend({ reviewId: idParam('reviewId') });
/** An instructor's or a review's id, on the authoring routes. */
export const IdParam = z.object({ id: idParam('id') });

export const DownloadParams = z.object({
  token: z
    .string()
    .min(1)
    .max(1000)
    .openapi({ param: { name: 'token', in: 'path' } }),
});

export const CoverQuery = z.object({ v: z.string().max(64).optional() });

export const SuggestQuery = z.object({ q: z.string().max(200).default('') });

export const Suggestion = z.object({ id: z.string(), title: z.string() });
export type Suggestion = z.infer<typeof Suggestion>;

export const Suggestions = z.object({ suggestions: z.array(Suggestion) });

export const CourseCard = z
  .object({
    id: z.string(),
    title: z.string(),
    subtitle: z.string(),
    instructor: z.object({ id: z.string(), name: z.string() }),
    category: z.string(),
    level: z.enum(courseLevels),
    language: z.string(),
    tags: z.array(z.string()),
    price: Price,
    coverUrl: z
      .string()
      .nullable()
      .openapi({ description: 'Absolute path on this API, e.g. `/v1/courses/crs_…/cover?v=…`' }),
    rating: z.object({ average: z.number().nullable(), count: z.number().int() }),
    enrolled: z.boolean().openapi({ description: 'Always false without a learner token' }),
  })
  .openapi('CourseCard');
export type CourseCard = z.infer<typeof CourseCard>;

export const FacetCount = z.object({ value: z.string(), count: z.number().int() });
export type FacetCount = z.infer<typeof FacetCount>;

export const Facets = z
  .object({
    category: z.array(FacetCount),
    level: z.array(FacetCount),
    language: z.array(FacetCount),
    price: z.object({ free: z.number().int(), paid: z.number().int() }),
  })
  .openapi('CourseFacets', {
    description:
      'Counts for each filter value under every other filter (a dimension’s own filter is left ' +
      'out of its counts, so the alternatives stay visible).',
  });
export type Facets = z.infer<typeof Facets>;

export const MyCourses = z.object({ items: z.array(CourseCard) });

export const SearchPage = z
  .object({
    items: z.array(CourseCard),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
    facets: Facets,
  })
  .openapi('CourseSearchPage');
export type SearchPage = z.infer<typeof SearchPage>;

export const DescriptionInline = z
  .object({
    text: z.string(),
    strong: z.literal(true).optional(),
    em: z.literal(true).optional(),
    code: z.literal(true).optional(),
    href: z.string().optional().openapi({ description: 'http or https only' }),
  })
  .openapi('DescriptionInline');
export type DescriptionInline = z.infer<typeof DescriptionInline>;

export const DescriptionBlock = z
  .union([
    z.object({ type: z.literal('paragraph'), inline: z.array(DescriptionInline) }),
    z.object({
      type: z.literal('heading'),
      level: z.union([z.literal(2), z.literal(3)]),
      inline: z.array(DescriptionInline),
    }),
    z.object({
      type: z.literal('list'),
      ordered: z.boolean(),
      items: z.array(z.array(DescriptionInline)),
    }),
  ])
  .openapi('DescriptionBlock');
export type DescriptionBlock = z.infer<typeof DescriptionBlock>;

export const CourseDescription = z.object({
  format: z.enum(descriptionFormats),
  blocks: z.array(DescriptionBlock),
});
export type CourseDescription = z.infer<typeof CourseDescription>;

export const MaterialSummary = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(materialKinds),
  sizeBytes: z.number().int(),
});
export type MaterialSummary = z.infer<typeof MaterialSummary>;

export const CourseDetail = CourseCard.extend({
  description: CourseDescription,
  materials: z.array(MaterialSummary),
  createdAt: z.string(),
}).openapi('CourseDetail', {
  description:
    'The description is parsed on the server into blocks; no HTML is ever produced. Render ' +
    'every `text` as text.',
});
export type CourseDetail = z.infer<typeof CourseDetail>;

export const reviewSorts = ['newest', 'helpful', 'highest', 'lowest'] as const;
export type ReviewSort = (typeof reviewSorts)[number];

export const ReviewQuery = z.object({
  sort: z.enum(reviewSorts).default('newest'),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type ReviewQuery = z.infer<typeof ReviewQuery>;

export const REVIEW_TEXT_MIN = 0;
export const REVIEW_TEXT_MAX = 4000;

export const Review = z
  .object({
    id: z.string(),
    rating: z.number().int().min(1).max(5),
    text: z.string(),
    author: z.object({ displayName: z.string() }),
    helpful: z.number().int().openapi({ description: 'How many learners marked it helpful' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    mine: z.boolean(),
  })
  .openapi('CourseReview');
export type Review = z.infer<typeof Review>;

export const ReviewSummary = z.object({
  average: z.number().nullable(),
  count: z.number().int(),
  distribution: z.object({
    1: z.number().int(),
    2: z.number().int(),
    3: z.number().int(),
    4: z.number().int(),
    5: z.number().int(),
  }),
});

export type ReviewSummary = z.infer<typeof ReviewSummary>;

export const ReviewPage = z
  .object({
    items: z.array(Review),
    nextCursor: z.string().nullable(),
    summary: ReviewSummary,
    myReview: Review.nullable().openapi({
      description:
        'The signed-in learner’s own review wherever it sorts, for the edit form; null without ' +
        'a learner token, without a review, or when the operator hid it',
    }),
  })
  .openapi('CourseReviewPage');
export type ReviewPage = z.infer<typeof ReviewPage>;

export const ReviewInput = z
  .object({
    rating: z.number().int().min(1).max(5),
    text: z.string().trim().max(REVIEW_TEXT_MAX),
  })
  .strict();
export type ReviewInput = z.infer<typeof ReviewInput>;

export const HelpfulInput = z.object({ helpful: z.boolean() }).strict();

export const HelpfulMark = z.object({
  id: z.string(),
  helpful: z.number().int(),
  votedHelpful: z.boolean(),
});
export type HelpfulMark = z.infer<typeof HelpfulMark>;

export const DownloadLink = z
  .object({
    url: z.string().openapi({ description: 'Absolute path on this API; GET streams the file' }),
    expiresAt: z.string(),
  })
  .openapi('CourseDownloadLink');
export type DownloadLink = z.infer<typeof DownloadLink>;

/** Payload of `enrollment.created`, queued to the partner webhooks outbox. */
export const EnrollmentCreated = z.object({
  courseId: z.string(),
  learnerId: z.string().openapi({ description: 'The customer’s id for the learner (`sub`)' }),
  source: z.enum(enrollmentSources),
  paymentId: z.string().nullable(),
  enrolledAt: z.string(),
});
export type EnrollmentCreated = z.infer<typeof EnrollmentCreated>;

/* Authoring: the customer's server (secret key) or an instructor (learner token) */

export const AuthoredCoursesQuery = z.object({ status: z.enum(courseStatuses).optional() });

/** A file field of a multipart upload. */
const UploadFile = z
  .custom<File>((v) => v instanceof File, 'Expected a file')
  .openapi({ type: 'string', format: 'binary' });

export const CoverUpload = z.object({ cover: UploadFile });

export const MaterialUpload = z.object({
  file: UploadFile,
  title: z.string().trim().min(1).max(200).optional(),
});

export const ReviewVisibility = z.object({ hidden: z.boolean() }).strict();

export const ReviewVisibilityState = z.object({ id: z.string(), hidden: z.boolean() });
export type ReviewVisibilityState = z.infer<typeof ReviewVisibilityState>;

const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}+#.-]*$/u, 'One word: letters, digits, + # . -');

/** Course fields as an edit sends them: every one optional, none defaulted. */
const courseFields = {
  title: z.string().trim().min(1).max(120),
  subtitle: z.string().trim().max(200),
  description: z.string().max(20_000),
  descriptionFormat: z.enum(descriptionFormats),
  category: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(60)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} &-]*$/u, 'Letters, digits, spaces, & and -'),
  level: z.enum(courseLevels),
  language: z
    .string()
    .min(2)
    .max(12)
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A BCP 47 tag such as en or pt-BR'),
  tags: z.array(Tag).max(20),
  price: z.object({
    amount: z.number().int().min(0).max(100_000_000_00),
    currency: Currency,
  }),
  status: z.enum(courseStatuses),
};

export const CourseInput = z
  .object({
    ...courseFields,
    instructorId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'Required with the secret key; an instructor creates their own' }),
    subtitle: courseFields.subtitle.default(''),
    description: courseFields.description.default(''),
    descriptionFormat: courseFields.descriptionFormat.default('text'),
    tags: courseFields.tags.default([]),
    status: courseFields.status.default('draft'),
  })
  .strict();
export type CourseInput = z.infer<typeof CourseInput>;

/** An edit changes only the fields it sends. */
export const CourseUpdate = z.object(courseFields).partial().strict();
export type CourseUpdate = z.infer<typeof CourseUpdate>;

export const AuthoredCourse = CourseCard.extend({
  status: z.enum(courseStatuses),
  description: z.string(),
  descriptionFormat: z.enum(descriptionFormats),
  materials: z.array(MaterialSummary.extend({ contentType: z.string(), sha256: z.string() })),
  enrollments: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi('AuthoredCourse');
export type AuthoredCourse = z.infer<typeof AuthoredCourse>;

export const AuthoredCourses = z.object({ items: z.array(AuthoredCourse) });

const instructorFields = {
  name: z.string().trim().min(1).max(120),
  bio: z.string().max(2000),
  subject: z
    .string()
    .min(1)
    .max(256)
    .nullable()
    .openapi({ description: 'The `sub` of the learner token that acts as this instructor' }),
  enterprise: z.boolean(),
  shareBps: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .nullable()
    .openapi({ description: 'Instructor share in basis points, overriding the license split' }),
};

export const InstructorInput = z
  .object({
    ...instructorFields,
    bio: instructorFields.bio.default(''),
    subject: instructorFields.subject.default(null),
    enterprise: instructorFields.enterprise.default(false),
    shareBps: instructorFields.shareBps.default(null),
  })
  .strict();
/** An edit changes only the fields it sends. */
export const InstructorUpdate = z.object(instructorFields).partial().strict();
export type InstructorUpdate = z.infer<typeof InstructorUpdate>;
export type InstructorInput = z.infer<typeof InstructorInput>;

export const Instructor = z
  .object({
    id: z.string(),
    name: z.string(),
    bio: z.string(),
    subject: z.string().nullable(),
    enterprise: z.boolean(),
    shareBps: z.number().int().nullable(),
    createdAt: z.string(),
  })
  .openapi('Instructor');
export type Instructor = z.infer<typeof Instructor>;

export const Instructors = z.object({ items: z.array(Instructor) });

export const SplitSettings = z
  .object({
    instructorShareBps: z.number().int().min(0).max(10_000),
    enterpriseShareBps: z.number().int().min(0).max(10_000),
  })
  .openapi('MarketplaceSplit', {
    description: 'Instructor shares in basis points (7000 = 70 %); the platform keeps the rest.',
  });
export type SplitSettings = z.infer<typeof SplitSettings>;

/** `from` inclusive, `to` exclusive; the secret key names the instructor, an instructor not. */
export const EarningsQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  instructorId: z.string().min(1).max(64).optional(),
});

const CurrencyTotals = z.object({
  currency: z.string(),
  earned: z.number().int(),
  reversed: z.number().int(),
  paidOut: z.number().int(),
  net: z.number().int().openapi({ description: 'earned − reversed − paid out in the period' }),
  platformEarned: z.number().int(),
  platformReversed: z.number().int(),
});

export const EarningsReport = z
  .object({
    instructor: z.object({ id: z.string(), name: z.string() }),
    from: z.string().nullable(),
    to: z.string().nullable(),
    totals: z.array(CurrencyTotals),
    courses: z.array(
      z.object({
        courseId: z.string(),
        title: z.string(),
        currency: z.string(),
        sales: z.number().int(),
        earned: z.number().int(),
        reversed: z.number().int(),
      }),
    ),
    entries: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        courseId: z.string().nullable(),
        paymentId: z.string().nullable(),
        amount: z.number().int(),
        platformAmount: z.number().int(),
        currency: z.string(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi('InstructorEarnings');
export type EarningsReport = z.infer<typeof EarningsReport>;
