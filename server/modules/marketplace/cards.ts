import { sql } from 'drizzle-orm';
import type { CourseCard, CourseLevel } from './contract.js';

/**
 * The columns a course card is built from, as the card queries select them (courses as `c`,
 * instructors as `i`).
 */
export const CARD_COLUMNS = sql.raw(`c.seq, c.id, c.title, c.subtitle, c.category, c.level,
  c.language, c.tags, c.price_amount, c.currency, c.cover_hash, c.rating_average,
  c.rating_count, c.instructor_id, i.name AS instructor_name`);

export interface CardRow {
  seq: number;
  id: string;
  title: string;
  subtitle: string;
  category: string;
  level: CourseLevel;
  language: string;
  tags: string;
  price_amount: number;
  currency: string;
  cover_hash: string | null;
  rating_average: number | null;
  rating_count: number;
  instructor_id: string;
  instructor_name: string;
}

export function coverUrl(courseId: string, hash: string | null): string | null {
  return hash ? `/v1/courses/${courseId}/cover?v=${hash.slice(0, 16)}` : null;
}

export function roundRating(average: number | null): number | null {
  return average === null ? null : Math.round(average * 100) / 100;
}

export function splitTags(tags: string): string[] {
  return tags ? tags.split(' ') : [];
}

export function toCard(row: CardRow, enrolled: boolean): CourseCard {
  return {
    id: row.id,
    title: row.title,
    subtitle: row.subtitle,
    instructor: { id: row.instructor_id, name: row.instructor_name },
    category: row.category,
    level: row.level,
    language: row.language,
    tags: splitTags(row.tags),
    price: { amount: row.price_amount, currency: row.currency },
    coverUrl: coverUrl(row.id, row.cover_hash),
    rating: { average: roundRating(row.rating_average), count: row.rating_count },
    enrolled,
  };
}
