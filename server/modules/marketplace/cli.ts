import fs from 'node:fs';
import path from 'node:path';
import { licenseFlag, required, type CommandOutput } from '../../cli/command.js';
import { ApiError } from '../../errors.js';
import { parseInput } from '../../router.js';
import type { Services } from '../../services.js';
import {
  CourseInput,
  InstructorInput,
  SplitSettings,
  courseStatuses,
  type AuthoredCourse,
  type CourseStatus,
  type Instructor,
} from './contract.js';
import type { Author } from './authoring.js';

export const MARKETPLACE_USAGE = `  instructor create --license <id> --name <name> [--subject <learner sub>] [--enterprise]
                    [--share-bps <0-10000>]
  instructor list --license <id>
  course create --license <id> --file <course.json> [--instructor <id>]   (as POST /v1/authoring/courses)
  course list --license <id> [--status draft|published|archived] [--instructor <id>]
  course publish <course id> --license <id>
  course archive <course id> --license <id>
  course cover <course id> --license <id> --file <image.png|jpg|webp>
  course material <course id> --license <id> --file <path> [--title <title>]
  review hide <review id>            (hidden reviews leave the course's rating)
  review show <review id>
  earnings report --license <id> --instructor <id> [--from <ISO date>] [--to <ISO date>]
  earnings payout --license <id> --instructor <id> --amount <minor units> --currency <ISO 4217>
                  [--note <text>]
  earnings split --license <id> [--share-bps <n>] [--enterprise-share-bps <n>]
                  (shows, or sets, the instructor shares in basis points; 7000 = 70 %)
`;

export interface MarketplaceFlags {
  license?: string | undefined;
  name?: string | undefined;
  subject?: string | undefined;
  enterprise?: boolean | undefined;
  'share-bps'?: string | undefined;
  'enterprise-share-bps'?: string | undefined;
  file?: string | undefined;
  instructor?: string | undefined;
  status?: string | undefined;
  title?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  amount?: string | undefined;
  currency?: string | undefined;
  note?: string | undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.epub': 'application/epub+zip',
  '.zip': 'application/zip',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
};

async function operator(services: Services, flags: MarketplaceFlags): Promise<Author> {
  return { licenseId: await licenseFlag(services, flags.license), instructorId: null };
}

function date(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(parsed.getTime())) {
    throw new ApiError('validation_failed', `${flag} is not a date.`, {
      errors: [{ path: `flags.${flag}`, message: 'Expected an ISO 8601 date' }],
    });
  }
  return parsed;
}

function readFile(file: string): { bytes: Buffer; type: string; name: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new ApiError('not_found', `Cannot read ${file}.`);
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { bytes, type, name: path.basename(file) };
}

const money = (amount: number, currency: string) => {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits!;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
};

const courseLine = (c: AuthoredCourse) =>
  `${c.id}  ${c.status.padEnd(9)}  ${money(c.price.amount, c.price.currency).padStart(14)}  ` +
  `${c.title}  (${c.instructor.name}; ${c.enrollments} enrolled; ` +
  `${c.rating.count ? `${c.rating.average} from ${c.rating.count}` : 'no ratings'})`;

const instructorLine = (i: Instructor) =>
  `${i.id}  ${i.name}${i.enterprise ? '  [enterprise]' : ''}` +
  (i.shareBps !== null ? `  share ${i.shareBps / 100} %` : '') +
  (i.subject ? `  (token sub ${i.subject})` : '');

/** `npm run admin -- instructor|course|review|earnings …`: the authoring API's service calls. */
export async function marketplaceCommand(
  services: Services,
  group: 'instructor' | 'course' | 'review' | 'earnings',
  command: string,
  positionals: string[],
  flags: MarketplaceFlags,
): Promise<CommandOutput> {
  const m = services.marketplace;
  const key = `${group} ${command}`;
  switch (key) {
    case 'instructor create': {
      const shareBps = flags['share-bps'];
      const input = parseInput(InstructorInput, {
        name: flags.name,
        ...(flags.subject ? { subject: flags.subject } : {}),
        enterprise: flags.enterprise ?? false,
        ...(shareBps !== undefined ? { shareBps: Number(shareBps) } : {}),
      });
      const created = await m.createInstructor(await licenseFlag(services, flags.license), input);
      return { json: created, text: instructorLine(created) };
    }
    case 'instructor list': {
      const items = await m.instructors(await licenseFlag(services, flags.license));
      return {
        json: { items },
        text: items.length ? items.map(instructorLine).join('\n') : 'No instructors.',
      };
    }
    case 'course create': {
      const file = required(flags.file, '--file');
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        throw new ApiError('validation_failed', `${file} is not readable JSON.`, {
          errors: [{ path: 'flags.--file', message: 'Expected a JSON course' }],
        });
      }
      const input = parseInput(CourseInput, {
        ...(raw as object),
        ...(flags.instructor ? { instructorId: flags.instructor } : {}),
      });
      const course = await m.authoring.createCourse(await operator(services, flags), input);
      return { json: course, text: courseLine(course) };
    }
    case 'course list': {
      const status = flags.status as CourseStatus | undefined;
      if (status && !courseStatuses.includes(status)) {
        throw new ApiError('validation_failed', `Unknown status "${status}".`, {
          errors: [{ path: 'flags.--status', message: courseStatuses.join(', ') }],
        });
      }
      const author = {
        ...(await operator(services, flags)),
        instructorId: flags.instructor ?? null,
      };
      const items = await m.authoring.authoredCourses(author, status ? { status } : {});
      return {
        json: { items },
        text: items.length ? items.map(courseLine).join('\n') : 'No courses.',
      };
    }
    case 'course publish':
    case 'course archive': {
      const status = command === 'publish' ? 'published' : 'archived';
      const course = await m.authoring.updateCourse(
        await operator(services, flags),
        required(positionals[0], 'course id'),
        {
          status,
        },
      );
      return { json: course, text: courseLine(course) };
    }
    case 'course cover': {
      const file = readFile(required(flags.file, '--file'));
      const course = await m.authoring.setCover(
        await operator(services, flags),
        required(positionals[0], 'course id'),
        { type: file.type, size: file.bytes.length },
        file.bytes,
      );
      return { json: course, text: `${courseLine(course)}\ncover ${course.coverUrl}` };
    }
    case 'course material': {
      const file = readFile(required(flags.file, '--file'));
      const course = await m.authoring.addMaterial(
        await operator(services, flags),
        required(positionals[0], 'course id'),
        { title: flags.title ?? file.name, fileName: file.name },
        { type: file.type, size: file.bytes.length },
        file.bytes,
      );
      return {
        json: course,
        text: [
          courseLine(course),
          ...course.materials.map(
            (x) => `  ${x.id}  ${x.kind.padEnd(8)}  ${x.sizeBytes} B  ${x.title}`,
          ),
        ].join('\n'),
      };
    }
    case 'review hide':
    case 'review show': {
      const id = required(positionals[0], 'review id');
      const licenseId = await m.reviews.licenseOf(id);
      if (!licenseId) throw new ApiError('not_found', `No review ${id}.`);
      const result = await m.reviews.setHidden(licenseId, id, command === 'hide');
      return { json: result, text: `${id} ${result.hidden ? 'hidden' : 'shown'}` };
    }
    case 'earnings report': {
      const from = date(flags.from, '--from');
      const to = date(flags.to, '--to');
      const report = await m.earnings.report(
        await licenseFlag(services, flags.license),
        required(flags.instructor, '--instructor'),
        { ...(from ? { from } : {}), ...(to ? { to } : {}) },
      );
      const lines = [
        `${report.instructor.name} (${report.instructor.id}), ${report.from ?? 'start'} – ${report.to ?? 'now'}`,
        ...report.totals.map(
          (t) =>
            `  ${t.currency}: earned ${money(t.earned, t.currency)}, reversed ${money(t.reversed, t.currency)}, ` +
            `paid out ${money(t.paidOut, t.currency)}, net ${money(t.net, t.currency)} ` +
            `(platform ${money(t.platformEarned - t.platformReversed, t.currency)})`,
        ),
        ...report.courses.map(
          (c) =>
            `  ${c.courseId}  ${String(c.sales).padStart(4)} sales  ${money(c.earned - c.reversed, c.currency).padStart(14)}  ${c.title}`,
        ),
      ];
      if (report.totals.length === 0) lines.push('  nothing in this period');
      return { json: report, text: lines.join('\n') };
    }
    case 'earnings payout': {
      const amount = Number(required(flags.amount, '--amount'));
      const result = await m.earnings.payout(
        await licenseFlag(services, flags.license),
        required(flags.instructor, '--instructor'),
        {
          amount,
          currency: required(flags.currency, '--currency').toUpperCase(),
          ...(flags.note ? { note: flags.note } : {}),
        },
      );
      return {
        json: result,
        text: `paid out ${money(amount, result.currency)}; ${money(result.balance, result.currency)} left`,
      };
    }
    case 'earnings split': {
      const licenseId = await licenseFlag(services, flags.license);
      const current = await m.settings(licenseId);
      const wanted = {
        instructorShareBps:
          flags['share-bps'] === undefined
            ? current.instructorShareBps
            : Number(flags['share-bps']),
        enterpriseShareBps:
          flags['enterprise-share-bps'] === undefined
            ? current.enterpriseShareBps
            : Number(flags['enterprise-share-bps']),
      };
      const split =
        flags['share-bps'] === undefined && flags['enterprise-share-bps'] === undefined
          ? wanted
          : await m.setSplit(licenseId, parseInput(SplitSettings.strict(), wanted));
      return {
        json: split,
        text:
          `instructors ${split.instructorShareBps / 100} %, enterprise instructors ` +
          `${split.enterpriseShareBps / 100} % (the platform keeps the rest)`,
      };
    }
    default:
      throw new ApiError('validation_failed', `Unknown command "${key}".`, {
        errors: [{ path: 'command', message: MARKETPLACE_USAGE }],
      });
  }
}
