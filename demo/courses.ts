/*
 * The demo catalog: 50 courses across currencies (USD, EUR, JPY, free), their instructors,
 * descriptions and reviews, and the seed that writes them. Long because it is mostly data (the
 * course list itself is ~550 lines); the code is the seed at the end.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Store } from '../server/db/store.js';
import {
  courseReviews,
  courses,
  enrollments,
  instructors,
  marketplaceSettings,
  type CourseLevel,
} from '../server/modules/marketplace/schema.js';
import type { Clock } from '../server/services.js';

/**
 * The demo academy's course catalog: five instructors (one enterprise) and fifty courses across
 * categories, levels, languages and prices — mostly USD, some EUR, a few free, one in JPY (a
 * currency without minor units) — with reviews from demo reviewers. Fixed ids, inserted once:
 * seeding again changes nothing.
 */

const DAY = 86_400_000;

const demoInstructors = [
  {
    id: 'ins_demo_ines',
    name: 'Inés Navarro',
    bio: 'Data engineer and teacher.',
    enterprise: false,
  },
  {
    id: 'ins_demo_kofi',
    name: 'Kofi Mensah',
    bio: 'Designer of type and interfaces.',
    enterprise: false,
  },
  { id: 'ins_demo_mei', name: 'Mei Tanaka', bio: 'Language teacher in Osaka.', enterprise: false },
  {
    id: 'ins_demo_lars',
    name: 'Lars Eriksen',
    bio: 'Musician and sound engineer.',
    enterprise: false,
  },
  {
    id: 'ins_demo_northwind',
    name: 'Northwind Business School',
    bio: 'The academy’s own faculty.',
    enterprise: true,
  },
] as const;

type InstructorKey = 'ines' | 'kofi' | 'mei' | 'lars' | 'northwind';

interface DemoCourse {
  title: string;
  subtitle: string;
  category: string;
  level: CourseLevel;
  language: string;
  tags: string;
  /** Minor units; 0 is free. */
  price: number;
  currency?: string;
  by: InstructorKey;
  /** Star ratings of the demo reviews. */
  ratings?: number[];
}

const catalog: DemoCourse[] = [
  {
    title: 'Python for Data Analysis',
    subtitle: 'Pandas, NumPy and clear charts',
    category: 'data science',
    level: 'beginner',
    language: 'en',
    tags: 'python pandas numpy',
    price: 4900,
    by: 'ines',
    ratings: [5, 5, 4, 5, 4],
  },
  {
    title: 'Machine Learning Foundations',
    subtitle: 'From linear models to gradient boosting',
    category: 'data science',
    level: 'intermediate',
    language: 'en',
    tags: 'machine-learning python scikit-learn',
    price: 8900,
    by: 'ines',
    ratings: [5, 4, 4],
  },
  {
    title: 'SQL from Zero',
    subtitle: 'Query, join and aggregate with confidence',
    category: 'data science',
    level: 'beginner',
    language: 'en',
    tags: 'sql databases',
    price: 0,
    by: 'ines',
    ratings: [5, 4, 5, 5],
  },
  {
    title: 'Deep Learning with PyTorch',
    subtitle: 'Networks you can train and explain',
    category: 'data science',
    level: 'advanced',
    language: 'en',
    tags: 'python pytorch deep-learning',
    price: 12900,
    by: 'ines',
    ratings: [4, 5],
  },
  {
    title: 'Statistics for Decisions',
    subtitle: 'Uncertainty without the fear',
    category: 'mathematics',
    level: 'intermediate',
    language: 'en',
    tags: 'statistics probability',
    price: 5900,
    by: 'ines',
    ratings: [4, 3, 4],
  },
  {
    title: 'Análisis de datos con Python',
    subtitle: 'Pandas paso a paso',
    category: 'data science',
    level: 'beginner',
    language: 'es',
    tags: 'python pandas',
    price: 3900,
    currency: 'EUR',
    by: 'ines',
    ratings: [5, 4],
  },
  {
    title: 'Data Visualization Principles',
    subtitle: 'Charts that tell the truth',
    category: 'data science',
    level: 'all',
    language: 'en',
    tags: 'visualization charts design',
    price: 2900,
    by: 'kofi',
    ratings: [5, 5, 5],
  },
  {
    title: 'TypeScript in Practice',
    subtitle: 'Types that catch real bugs',
    category: 'programming',
    level: 'intermediate',
    language: 'en',
    tags: 'typescript javascript',
    price: 5900,
    by: 'northwind',
    ratings: [5, 4, 5],
  },
  {
    title: 'JavaScript Essentials',
    subtitle: 'The language of the web, properly',
    category: 'programming',
    level: 'beginner',
    language: 'en',
    tags: 'javascript web',
    price: 0,
    by: 'northwind',
    ratings: [4, 4, 5, 3],
  },
  {
    title: 'Web Components with Lit',
    subtitle: 'Reusable elements for any framework',
    category: 'programming',
    level: 'intermediate',
    language: 'en',
    tags: 'lit web-components javascript',
    price: 4500,
    by: 'kofi',
    ratings: [5],
  },
  {
    title: 'Rust for Systems Programmers',
    subtitle: 'Ownership, lifetimes and fearless concurrency',
    category: 'programming',
    level: 'advanced',
    language: 'en',
    tags: 'rust systems',
    price: 9900,
    by: 'northwind',
    ratings: [5, 5, 4],
  },
  {
    title: 'Go Microservices',
    subtitle: 'Small services that stay small',
    category: 'programming',
    level: 'intermediate',
    language: 'en',
    tags: 'go microservices',
    price: 6900,
    by: 'northwind',
    ratings: [4, 4],
  },
  {
    title: 'Python Programming Bootcamp',
    subtitle: 'Write your first real programs',
    category: 'programming',
    level: 'beginner',
    language: 'en',
    tags: 'python',
    price: 1999,
    by: 'ines',
    ratings: [5, 4, 4, 5, 5, 4],
  },
  {
    title: 'Programmation Python',
    subtitle: 'Les bases, avec des exercices',
    category: 'programming',
    level: 'beginner',
    language: 'fr',
    tags: 'python',
    price: 2900,
    currency: 'EUR',
    by: 'ines',
    ratings: [4],
  },
  {
    title: 'Git and GitHub for Teams',
    subtitle: 'Branches, reviews and clean history',
    category: 'programming',
    level: 'all',
    language: 'en',
    tags: 'git github',
    price: 0,
    by: 'northwind',
    ratings: [5, 5],
  },
  {
    title: 'Testing Web Applications',
    subtitle: 'Unit, integration and browser tests',
    category: 'programming',
    level: 'intermediate',
    language: 'en',
    tags: 'testing playwright javascript',
    price: 5400,
    by: 'northwind',
  },
  {
    title: 'Interface Design Basics',
    subtitle: 'Layout, hierarchy and rhythm',
    category: 'design',
    level: 'beginner',
    language: 'en',
    tags: 'ui layout',
    price: 3900,
    by: 'kofi',
    ratings: [5, 4, 5],
  },
  {
    title: 'Typography for Screens',
    subtitle: 'Choosing and pairing typefaces',
    category: 'design',
    level: 'intermediate',
    language: 'en',
    tags: 'typography fonts',
    price: 4900,
    by: 'kofi',
    ratings: [5, 5],
  },
  {
    title: 'Accessible Design',
    subtitle: 'Interfaces everyone can use',
    category: 'design',
    level: 'all',
    language: 'en',
    tags: 'accessibility wcag ui',
    price: 0,
    by: 'kofi',
    ratings: [5, 5, 5, 4],
  },
  {
    title: 'Color Theory for Designers',
    subtitle: 'Palettes with purpose',
    category: 'design',
    level: 'beginner',
    language: 'en',
    tags: 'color design',
    price: 2500,
    by: 'kofi',
    ratings: [4, 3],
  },
  {
    title: 'Design Systems at Scale',
    subtitle: 'Tokens, components and governance',
    category: 'design',
    level: 'advanced',
    language: 'en',
    tags: 'design-systems tokens',
    price: 9900,
    by: 'kofi',
    ratings: [5],
  },
  {
    title: 'Gestaltung von Benutzeroberflächen',
    subtitle: 'Grundlagen des UI-Designs',
    category: 'design',
    level: 'beginner',
    language: 'de',
    tags: 'ui design',
    price: 3500,
    currency: 'EUR',
    by: 'kofi',
  },
  {
    title: 'Japanese for Beginners',
    subtitle: 'Hiragana, katakana and your first conversations',
    category: 'languages',
    level: 'beginner',
    language: 'en',
    tags: 'japanese hiragana',
    price: 3900,
    by: 'mei',
    ratings: [5, 5, 4, 5],
  },
  {
    title: '日本語で学ぶビジネス会話',
    subtitle: '敬語と会議の表現',
    category: 'languages',
    level: 'advanced',
    language: 'ja',
    tags: 'japanese business keigo',
    price: 4800,
    currency: 'JPY',
    by: 'mei',
    ratings: [5, 4],
  },
  {
    title: 'Kanji Step by Step',
    subtitle: 'The 500 most useful characters',
    category: 'languages',
    level: 'intermediate',
    language: 'en',
    tags: 'japanese kanji',
    price: 2900,
    by: 'mei',
    ratings: [4, 4, 5],
  },
  {
    title: 'Spanish Conversation',
    subtitle: 'Speak from the first lesson',
    category: 'languages',
    level: 'beginner',
    language: 'es',
    tags: 'spanish conversation',
    price: 2400,
    currency: 'EUR',
    by: 'mei',
    ratings: [4],
  },
  {
    title: 'French Pronunciation',
    subtitle: 'Sounds, liaison and rhythm',
    category: 'languages',
    level: 'beginner',
    language: 'fr',
    tags: 'french pronunciation',
    price: 0,
    by: 'mei',
    ratings: [4, 5],
  },
  {
    title: 'German Grammar Made Clear',
    subtitle: 'Cases without tears',
    category: 'languages',
    level: 'intermediate',
    language: 'de',
    tags: 'german grammar',
    price: 2900,
    currency: 'EUR',
    by: 'mei',
  },
  {
    title: 'English for Academic Writing',
    subtitle: 'Essays, abstracts and citations',
    category: 'languages',
    level: 'advanced',
    language: 'en',
    tags: 'english writing',
    price: 3400,
    by: 'mei',
    ratings: [5, 4],
  },
  {
    title: 'Music Theory Fundamentals',
    subtitle: 'Scales, chords and harmony',
    category: 'music',
    level: 'beginner',
    language: 'en',
    tags: 'theory harmony',
    price: 2900,
    by: 'lars',
    ratings: [5, 4, 5],
  },
  {
    title: 'Home Recording',
    subtitle: 'Record, mix and master in your room',
    category: 'music',
    level: 'intermediate',
    language: 'en',
    tags: 'recording mixing audio',
    price: 5900,
    by: 'lars',
    ratings: [4, 4],
  },
  {
    title: 'Guitar from Scratch',
    subtitle: 'Chords, strumming and your first songs',
    category: 'music',
    level: 'beginner',
    language: 'en',
    tags: 'guitar',
    price: 1900,
    by: 'lars',
    ratings: [5, 5, 5, 4, 4],
  },
  {
    title: 'Sound Design for Games',
    subtitle: 'Synthesis and interactive audio',
    category: 'music',
    level: 'advanced',
    language: 'en',
    tags: 'sound-design synthesis games',
    price: 7900,
    by: 'lars',
    ratings: [5],
  },
  {
    title: 'Piano für Erwachsene',
    subtitle: 'Noten lesen und spielen',
    category: 'music',
    level: 'beginner',
    language: 'de',
    tags: 'piano',
    price: 3900,
    currency: 'EUR',
    by: 'lars',
    ratings: [4],
  },
  {
    title: 'Photography Basics',
    subtitle: 'Exposure, focus and composition',
    category: 'photography',
    level: 'beginner',
    language: 'en',
    tags: 'camera exposure composition',
    price: 2900,
    by: 'lars',
    ratings: [4, 5, 4],
  },
  {
    title: 'Portrait Lighting',
    subtitle: 'One light, many looks',
    category: 'photography',
    level: 'intermediate',
    language: 'en',
    tags: 'lighting portraits',
    price: 4400,
    by: 'lars',
  },
  {
    title: 'Smartphone Photography',
    subtitle: 'Great pictures with the camera you carry',
    category: 'photography',
    level: 'all',
    language: 'en',
    tags: 'mobile camera',
    price: 0,
    by: 'lars',
    ratings: [4, 4, 3],
  },
  {
    title: 'Photo Editing in Darktable',
    subtitle: 'A free, complete workflow',
    category: 'photography',
    level: 'intermediate',
    language: 'en',
    tags: 'editing darktable',
    price: 3400,
    by: 'lars',
    ratings: [5],
  },
  {
    title: 'Project Management Essentials',
    subtitle: 'Plans that survive contact with reality',
    category: 'business',
    level: 'beginner',
    language: 'en',
    tags: 'project-management planning',
    price: 7900,
    by: 'northwind',
    ratings: [4, 4, 5],
  },
  {
    title: 'Financial Accounting',
    subtitle: 'Read and build financial statements',
    category: 'business',
    level: 'intermediate',
    language: 'en',
    tags: 'accounting finance',
    price: 9900,
    by: 'northwind',
    ratings: [4, 3],
  },
  {
    title: 'Negotiation Skills',
    subtitle: 'Prepare, listen and agree',
    category: 'business',
    level: 'all',
    language: 'en',
    tags: 'negotiation communication',
    price: 4900,
    by: 'northwind',
    ratings: [5, 5, 4],
  },
  {
    title: 'Leadership for New Managers',
    subtitle: 'The first ninety days',
    category: 'business',
    level: 'beginner',
    language: 'en',
    tags: 'leadership management',
    price: 8900,
    by: 'northwind',
    ratings: [5],
  },
  {
    title: 'Gestión de proyectos ágil',
    subtitle: 'Scrum y Kanban en la práctica',
    category: 'business',
    level: 'intermediate',
    language: 'es',
    tags: 'agile scrum kanban',
    price: 4900,
    currency: 'EUR',
    by: 'northwind',
    ratings: [4, 5],
  },
  {
    title: 'Digital Marketing Fundamentals',
    subtitle: 'Search, social and e-mail',
    category: 'marketing',
    level: 'beginner',
    language: 'en',
    tags: 'seo social email',
    price: 3900,
    by: 'northwind',
    ratings: [4, 3, 4],
  },
  {
    title: 'Content Strategy',
    subtitle: 'Write for people, rank for search',
    category: 'marketing',
    level: 'intermediate',
    language: 'en',
    tags: 'content seo writing',
    price: 4400,
    by: 'kofi',
    ratings: [4],
  },
  {
    title: 'Marketing Analytics',
    subtitle: 'Measure what matters',
    category: 'marketing',
    level: 'advanced',
    language: 'en',
    tags: 'analytics data',
    price: 6900,
    by: 'ines',
  },
  {
    title: 'Calculus Refresher',
    subtitle: 'Limits, derivatives and integrals again',
    category: 'mathematics',
    level: 'intermediate',
    language: 'en',
    tags: 'calculus',
    price: 0,
    by: 'ines',
    ratings: [5, 4],
  },
  {
    title: 'Linear Algebra for Machine Learning',
    subtitle: 'Vectors, matrices and why they matter',
    category: 'mathematics',
    level: 'intermediate',
    language: 'en',
    tags: 'linear-algebra machine-learning',
    price: 5900,
    by: 'ines',
    ratings: [5, 5, 4],
  },
  {
    title: 'Public Speaking',
    subtitle: 'Calm, clear and convincing',
    category: 'personal development',
    level: 'all',
    language: 'en',
    tags: 'speaking communication',
    price: 2900,
    by: 'northwind',
    ratings: [5, 4],
  },
  {
    title: 'Time Management',
    subtitle: 'Less busy, more done',
    category: 'personal development',
    level: 'beginner',
    language: 'en',
    tags: 'productivity habits',
    price: 1500,
    by: 'mei',
    ratings: [4, 4, 4],
  },
];

function description(course: DemoCourse): { text: string; format: 'text' | 'markdown' } {
  if (course.language !== 'en') return { format: 'text', text: `${course.subtitle}.` };
  return {
    format: 'markdown',
    text: [
      `## What you will learn`,
      ``,
      `**${course.title}** — ${course.subtitle.toLowerCase()}. Every lesson ends with an exercise.`,
      ``,
      `- Short video lessons you can follow at your own pace`,
      `- Worked examples and *downloadable* notes`,
      `- A final project reviewed by the community`,
      ``,
      `## Who it is for`,
      ``,
      `Learners at the ${course.level === 'all' ? 'every' : course.level} level. Questions? See the [course forum](https://example.com/forum).`,
    ].join('\n'),
  };
}

/** A few ways to say each rating (index = stars), so a course's reviews read differently. */
const reviewTexts: readonly (readonly string[])[] = [
  [],
  ['Not for me: the pace was hard to follow.', 'Too little practice for the price.'],
  [
    'Not for me: too fast in the second half.',
    'Some good parts, but the examples felt dated.',
    'The first module was great, the rest less so.',
  ],
  [
    'Good content, a few lessons felt rushed.',
    'Solid basics. I wanted more exercises.',
    'Useful, though the audio could be clearer.',
  ],
  [
    'Excellent course, the exercises made it stick.',
    'Clear and well paced. I used it at work the next day.',
    'Very practical; the final project was the best part.',
    'Well structured, with notes I keep coming back to.',
  ],
  [
    'The best course I have taken here — thank you!',
    'Changed how I work. Every lesson earns its place.',
    'Friendly, precise and never boring.',
  ],
];

const reviewers = ['Priya', 'Tomás', 'Aiko', 'Jonas', 'Fatima', 'Liam'];

export const demoCourseId = (i: number) => `crs_demo_${String(i + 1).padStart(2, '0')}`;

/** Seeds the demo catalog on `licenseId`; returns how many courses were new. */
export async function seedDemoCourses(
  store: Store,
  clock: Clock,
  licenseId: string,
): Promise<number> {
  const now = clock.now().getTime();
  return store.write(async (tx) => {
    for (const ins of demoInstructors) {
      await tx
        .insert(instructors)
        .values({
          ...ins,
          licenseId,
          subject: ins.id === 'ins_demo_northwind' ? 'grace' : null,
          shareBps: null,
          createdAt: new Date(now - 400 * DAY),
          updatedAt: new Date(now - 400 * DAY),
        })
        .onConflictDoNothing();
    }
    let added = 0;
    for (const [i, course] of catalog.entries()) {
      const id = demoCourseId(i);
      const ratings = course.ratings ?? [];
      const sum = ratings.reduce((a, r) => a + r, 0);
      const createdAt = new Date(now - (catalog.length - i) * 3 * DAY);
      const { text, format } = description(course);
      const inserted = await tx
        .insert(courses)
        .values({
          id,
          licenseId,
          instructorId: `ins_demo_${course.by}`,
          title: course.title,
          subtitle: course.subtitle,
          description: text,
          descriptionFormat: format,
          category: course.category,
          level: course.level,
          language: course.language,
          tags: course.tags,
          priceAmount: course.price,
          currency: course.currency ?? 'USD',
          status: 'published',
          ratingSum: sum,
          ratingCount: ratings.length,
          ratingAverage: ratings.length ? sum / ratings.length : null,
          enrollmentCount: ratings.length * 7 + (i % 5),
          publishedAt: createdAt,
          createdAt,
          updatedAt: createdAt,
        })
        .onConflictDoNothing()
        .returning({ id: courses.id });
      if (inserted.length === 0) continue;
      added += 1;
      for (const [j, rating] of ratings.entries()) {
        const learnerId = `lrn_demo_reviewer_${j + 1}`;
        const at = new Date(createdAt.getTime() + (j + 1) * DAY);
        await tx
          .insert(enrollments)
          .values({
            licenseId,
            courseId: id,
            learnerId,
            source: 'operator',
            paymentId: null,
            createdAt: at,
          })
          .onConflictDoNothing();
        await tx
          .insert(courseReviews)
          .values({
            id: `rev_demo_${String(i + 1).padStart(2, '0')}_${j + 1}`,
            licenseId,
            courseId: id,
            learnerId,
            displayName: reviewers[j % reviewers.length]!,
            rating,
            text: reviewTexts[rating]![(i + j) % reviewTexts[rating]!.length]!,
            helpfulCount: (i * 7 + j * 3) % 11,
            createdAt: at,
            updatedAt: at,
          })
          .onConflictDoNothing();
      }
    }
    if (added > 0) {
      await tx
        .insert(marketplaceSettings)
        .values({
          licenseId,
          linkKey: randomBytes(32).toString('base64url'),
          catalogVersion: 1,
          updatedAt: new Date(now),
        })
        .onConflictDoUpdate({
          target: marketplaceSettings.licenseId,
          set: { catalogVersion: sql`${marketplaceSettings.catalogVersion} + 1` },
        });
    }
    return added;
  });
}

export const DEMO_COURSE_COUNT = catalog.length;
