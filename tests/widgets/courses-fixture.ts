import { SignJWT } from 'jose';
import { LicenseCreateInput } from '../../server/modules/licenses/contract.js';
import { LEARNER_TOKEN_AUDIENCE } from '../../server/modules/learners/tokens.js';
import { CourseInput, InstructorInput } from '../../server/modules/marketplace/contract.js';
import type { Services } from '../../server/services.js';

export interface CoursesFixture {
  /** A marketplace tenant with ten published courses and one draft (see seedCourses). */
  license: string;
  /**
   * Ada is enrolled in Design Thinking (which has a PDF workbook) and reviewed it; Eve is
   * enrolled in nothing; Buyer pays for a course through the checkout.
   */
  tokens: { ada: string; eve: string; buyer: string };
  /** Course ids by short name. */
  courses: Record<
    | 'pythonData'
    | 'pythonPatterns'
    | 'pythonTesting'
    | 'designThinking'
    | 'typography'
    | 'photography'
    | 'statistics'
    | 'machineLearning'
    | 'calligraphy'
    | 'hostile',
    string
  >;
  /** The hostile course's title, exactly as its instructor typed it. */
  hostileTitle: string;
}

const HOSTILE_TITLE = '<img src=x onerror="window.__lxPwned=1">Hostile <b>course</b>';

const HOSTILE_DESCRIPTION = [
  '## What you <script>window.__lxPwned=2</script> learn',
  '',
  'Read the [good docs](https://example.com/docs) but never [the bad link](javascript:window.__lxPwned=3).',
  '',
  '- **Bold** and _emphasis_ and `code`',
  '- <img src=x onerror="window.__lxPwned=4">',
].join('\n');

/**
 * A marketplace tenant for the catalog tests: courses across categories, levels, languages,
 * currencies (USD, and JPY with no minor unit) and prices (free and paid), a draft that must
 * never show, a course whose title and description are hostile markup, and reviews from
 * learners enrolled in the free courses.
 */
export async function seedCourses(services: Services, pageOrigin: string): Promise<CoursesFixture> {
  const created = await services.licenseAdmin.create(
    LicenseCreateInput.parse({ name: 'Course Academy', plan: 'enterprise', origins: [pageOrigin] }),
  );
  const licenseId = created.license.id;
  const market = services.marketplace;
  const grace = await market.createInstructor(
    licenseId,
    InstructorInput.parse({ name: 'Grace Hopper' }),
  );
  const mallory = await market.createInstructor(
    licenseId,
    InstructorInput.parse({ name: '<b>Mallory</b>' }),
  );
  const author = { licenseId, instructorId: null };
  const course = async (input: Record<string, unknown>) =>
    (
      await market.authoring.createCourse(
        author,
        CourseInput.parse({
          instructorId: grace.id,
          level: 'beginner',
          language: 'en',
          status: 'published',
          price: { amount: 0, currency: 'USD' },
          ...input,
        }),
      )
    ).id;
  const courses: CoursesFixture['courses'] = {
    pythonData: await course({
      title: 'Python for Data Science',
      subtitle: 'Pandas, NumPy and plots',
      category: 'programming',
      tags: ['python', 'data'],
      price: { amount: 4900, currency: 'USD' },
    }),
    pythonPatterns: await course({
      title: 'Python Design Patterns',
      subtitle: 'Idioms for larger programs',
      category: 'programming',
      level: 'advanced',
      tags: ['python'],
      price: { amount: 9900, currency: 'USD' },
    }),
    pythonTesting: await course({
      title: 'Python Testing in Practice',
      subtitle: 'pytest from the first test to CI',
      category: 'programming',
      level: 'intermediate',
      tags: ['python', 'testing'],
      price: { amount: 3900, currency: 'USD' },
    }),
    designThinking: await course({
      title: 'Design Thinking Basics',
      subtitle: 'From problem to prototype',
      category: 'design',
      description: 'A first course in **design thinking**.\n\nFive steps, one project.',
      descriptionFormat: 'markdown',
      tags: ['design'],
    }),
    typography: await course({
      title: 'Typographie pour le web',
      subtitle: 'Choisir et marier les polices',
      category: 'design',
      level: 'intermediate',
      language: 'fr',
      price: { amount: 2900, currency: 'USD' },
    }),
    photography: await course({
      title: 'Fotografie für Einsteiger',
      subtitle: 'Licht, Blende, Bildaufbau',
      category: 'photography',
      language: 'de',
    }),
    statistics: await course({
      title: 'Statistics with R',
      category: 'data',
      level: 'intermediate',
      price: { amount: 5900, currency: 'USD' },
    }),
    machineLearning: await course({
      title: 'Machine Learning Foundations',
      category: 'data',
      price: { amount: 7900, currency: 'USD' },
    }),
    calligraphy: await course({
      title: 'Japanese Calligraphy',
      category: 'art',
      level: 'all',
      price: { amount: 3000, currency: 'JPY' },
    }),
    hostile: await course({
      instructorId: mallory.id,
      title: HOSTILE_TITLE,
      subtitle: '<i>subtitle</i> & more',
      category: 'security',
      description: HOSTILE_DESCRIPTION,
      descriptionFormat: 'markdown',
    }),
  };
  await course({ title: 'Python Secrets (draft)', category: 'programming', status: 'draft' });
  // A 16×9 PNG cover for a few courses; the others show the placeholder.
  const cover = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAABAAAAAJCAIAAAC0SDtlAAAAPklEQVR4nO3LEQLAIABA0U4X9m04DMNhGA6Hw3AY7jb/' +
      'Hl0j6PkLRElyyClZilxSpcktj7zS5ZMhv2GHJcIE0Hf2YepmrYMAAAAASUVORK5CYII=',
    'base64',
  );
  for (const id of [courses.pythonData, courses.designThinking, courses.statistics]) {
    await market.authoring.setCover(author, id, { type: 'image/png', size: cover.length }, cover);
  }
  const workbook = Buffer.from('%PDF-1.4\n% Design thinking workbook\n%%EOF\n');
  await market.authoring.addMaterial(
    author,
    courses.designThinking,
    { title: 'Workbook', fileName: 'workbook.pdf' },
    { type: 'application/pdf', size: workbook.length },
    workbook,
  );

  const license = (await services.licenses.getById(licenseId))!;
  const now = Math.floor(Date.now() / 1000);
  const sign = (sub: string, name: string) =>
    new SignJWT({ name })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(licenseId)
      .setAudience(LEARNER_TOKEN_AUDIENCE)
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(created.signingSecret!));
  const tokens = {
    ada: await sign('ada', 'Ada Lovelace'),
    eve: await sign('eve', 'Eve Early'),
    buyer: await sign('buyer', 'Bea Buyer'),
  };
  const reviewers: [string, string, Record<string, number>, string][] = [
    ['ada', 'Ada Lovelace', { designThinking: 5 }, 'Clear and practical.'],
    ['bob', 'Bob Stone', { designThinking: 4, photography: 2 }, 'Good <b>pace</b>.'],
    ['cy', 'Cy Young', { designThinking: 3, photography: 3 }, 'Fine.'],
  ];
  for (const [sub, name, ratings, text] of reviewers) {
    const token = sub === 'ada' ? tokens.ada : await sign(sub, name);
    const learner = await services.learners.authenticate(license, token);
    for (const [key, rating] of Object.entries(ratings)) {
      const id = courses[key as keyof typeof courses];
      await market.enrollments.enrollFree(learner, id);
      await market.reviews.upsert(learner, id, { rating, text });
    }
  }
  return { license: created.license.publishableKey, tokens, courses, hostileTitle: HOSTILE_TITLE };
}
