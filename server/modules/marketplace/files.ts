import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../errors.js';
import type { MaterialKind } from './contract.js';

export const COVER_MAX_BYTES = 2 * 1024 * 1024;
export const MATERIAL_MAX_BYTES = 50 * 1024 * 1024;

interface FileType {
  contentType: string;
  kind: MaterialKind;
  /** The file's first bytes must look like this type; the declared type alone is not trusted. */
  sniff: (head: Buffer) => boolean;
}

const startsWith = (head: Buffer, bytes: number[], at = 0) =>
  bytes.every((b, i) => head[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const png: FileType = {
  contentType: 'image/png',
  kind: 'image',
  sniff: (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
};
const jpeg: FileType = {
  contentType: 'image/jpeg',
  kind: 'image',
  sniff: (h) => startsWith(h, [0xff, 0xd8, 0xff]),
};
const webp: FileType = {
  contentType: 'image/webp',
  kind: 'image',
  sniff: (h) => startsWith(h, ascii('RIFF')) && startsWith(h, ascii('WEBP'), 8),
};
const zipSniff = (h: Buffer) => startsWith(h, [0x50, 0x4b, 0x03, 0x04]);

/** Cover images: raster formats only (an SVG can carry script). */
export const coverTypes: readonly FileType[] = [png, jpeg, webp];

export const materialTypes: readonly FileType[] = [
  png,
  jpeg,
  webp,
  { contentType: 'application/pdf', kind: 'document', sniff: (h) => startsWith(h, ascii('%PDF-')) },
  { contentType: 'application/epub+zip', kind: 'document', sniff: zipSniff },
  { contentType: 'application/zip', kind: 'archive', sniff: zipSniff },
  { contentType: 'video/mp4', kind: 'video', sniff: (h) => startsWith(h, ascii('ftyp'), 4) },
  {
    contentType: 'video/webm',
    kind: 'video',
    sniff: (h) => startsWith(h, [0x1a, 0x45, 0xdf, 0xa3]),
  },
  {
    contentType: 'audio/mpeg',
    kind: 'audio',
    sniff: (h) => startsWith(h, ascii('ID3')) || (h[0] === 0xff && ((h[1] ?? 0) & 0xe0) === 0xe0),
  },
  { contentType: 'audio/mp4', kind: 'audio', sniff: (h) => startsWith(h, ascii('ftyp'), 4) },
];

/** Checks an upload's declared type against the allowed list and its first bytes. */
export function checkFile(
  file: { type: string; size: number },
  head: Buffer,
  allowed: readonly FileType[],
  maxBytes: number,
  field: string,
): FileType {
  const declared = file.type.split(';')[0]!.trim().toLowerCase();
  const type = allowed.find((t) => t.contentType === declared);
  if (!type) {
    throw new ApiError(
      'unsupported_media_type',
      `Files of type "${declared || 'unknown'}" are not accepted here.`,
      {
        errors: [
          {
            path: `body.${field}`,
            message: `Allowed: ${allowed.map((t) => t.contentType).join(', ')}`,
          },
        ],
      },
    );
  }
  if (file.size > maxBytes) {
    throw new ApiError('payload_too_large', `The file is larger than ${maxBytes} bytes.`);
  }
  if (file.size === 0 || !type.sniff(head)) {
    throw new ApiError('unsupported_media_type', `The file's content is not ${declared}.`, {
      errors: [{ path: `body.${field}`, message: 'Content does not match the declared type' }],
    });
  }
  return type;
}

/**
 * Files addressed by the SHA-256 of their content, under `<data dir>/marketplace`. The same
 * file uploaded twice is stored once; a file is written to a temporary name and renamed, so a
 * reader never sees half of one.
 */
export class FileStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return path.join(this.#root, sha256.slice(0, 2), sha256);
  }

  put(bytes: Buffer): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathOf(sha256);
    if (fs.existsSync(target)) return sha256;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.part`;
    fs.writeFileSync(temp, bytes, { mode: 0o640 });
    fs.renameSync(temp, target);
    return sha256;
  }

  exists(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }
}
