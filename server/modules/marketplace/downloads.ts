import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { first, type Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import type { DownloadLink } from './contract.js';
import { materialKey } from './queries.js';
import { courseMaterials, marketplaceSettings } from './schema.js';
import type { MarketplaceService } from './service.js';

/** How long a signed download link works. */
export const LINK_TTL_MS = 5 * 60_000;

/** The file behind a link, as the download route streams it. */
export interface LinkedFile {
  path: string;
  contentType: string;
  fileName: string;
  sizeBytes: number;
}

function sign(key: string, payload: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64url')).update(payload).digest('base64url');
}

/**
 * Signed download links to course materials: `<payload>.<HMAC-SHA256>`, the payload naming the
 * license, course, material, learner and expiry, signed with the license's own random key. A
 * link is checked again when used: signature, expiry, and that the learner is still enrolled.
 */
export class DownloadLinks {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #marketplace: MarketplaceService;

  constructor(store: Store, clock: Clock, marketplace: MarketplaceService) {
    this.#store = store;
    this.#clock = clock;
    this.#marketplace = marketplace;
  }

  /** A short-lived link to a material, for an enrolled learner only and bound to them. */
  async link(learner: Learner, courseId: string, materialId: string): Promise<DownloadLink> {
    const material = first(
      await this.#store.db
        .select({ id: courseMaterials.id })
        .from(courseMaterials)
        .where(materialKey(learner.licenseId, courseId, materialId))
        .limit(1),
    );
    if (!material)
      throw new ApiError('not_found', `No material ${materialId} in course ${courseId}.`);
    if (
      !(await this.#marketplace.enrollments.isEnrolled(learner.licenseId, courseId, learner.id))
    ) {
      throw new ApiError(
        'forbidden',
        'Only learners enrolled in the course can download its materials.',
      );
    }
    const expiresAt = this.#clock.now().getTime() + LINK_TTL_MS;
    const payload = Buffer.from(
      JSON.stringify([learner.licenseId, courseId, materialId, learner.id, expiresAt]),
    ).toString('base64url');
    const signature = sign((await this.#marketplace.settings(learner.licenseId)).linkKey, payload);
    return {
      url: `/v1/courses/files/${payload}.${signature}`,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /**
   * The file a signed link stands for. Refused when the signature does not verify, the link
   * has expired, the learner is no longer enrolled, or (when the request names a learner)
   * the link was made for someone else.
   */
  async resolve(token: string, requester: Learner | null): Promise<LinkedFile> {
    const refused = (detail: string) => new ApiError('forbidden', detail);
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined)
      throw refused('This download link is not valid.');
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refused('This download link is not valid.');
    }
    if (
      !Array.isArray(fields) ||
      fields.length !== 5 ||
      !fields.slice(0, 4).every((f) => typeof f === 'string' && f.length > 0 && f.length <= 100) ||
      !Number.isSafeInteger(fields[4])
    ) {
      throw refused('This download link is not valid.');
    }
    const [licenseId, courseId, materialId, learnerId, expiresAt] = fields as [
      string,
      string,
      string,
      string,
      number,
    ];
    const settings = first(
      await this.#store.db
        .select({ linkKey: marketplaceSettings.linkKey })
        .from(marketplaceSettings)
        .where(eq(marketplaceSettings.licenseId, licenseId))
        .limit(1),
    );
    const expected = settings ? Buffer.from(sign(settings.linkKey, payload)) : null;
    const given = Buffer.from(signature);
    if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw refused('This download link is not valid.');
    }
    if (this.#clock.now().getTime() >= expiresAt) {
      throw refused('This download link has expired; ask for a new one.');
    }
    if (requester && (requester.licenseId !== licenseId || requester.id !== learnerId)) {
      throw refused('This download link was made for another learner.');
    }
    if (!(await this.#marketplace.enrollments.isEnrolled(licenseId, courseId, learnerId))) {
      throw refused('The learner this link was made for is no longer enrolled.');
    }
    const material = first(
      await this.#store.db
        .select()
        .from(courseMaterials)
        .where(materialKey(licenseId, courseId, materialId))
        .limit(1),
    );
    if (!material) throw new ApiError('not_found', 'The material has been removed.');
    return {
      path: this.#marketplace.files.pathOf(material.sha256),
      contentType: material.contentType,
      fileName: material.fileName,
      sizeBytes: material.sizeBytes,
    };
  }
}
