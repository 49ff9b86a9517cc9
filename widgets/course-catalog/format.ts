import { html, nothing, type TemplateResult } from 'lit';
import { formatMoney, formatNumber, type MessageKey, type Translate } from '../internal/i18n.js';
import { safeUrl } from '../internal/urls.js';
import type { CourseCard } from './types.js';

/* Formatting shared by the results and the course page. */

/**
 * Instructor and learner text inside translated copy keeps its own direction (Unicode
 * first-strong isolates), so a Latin name reads right in an Arabic sentence and vice versa.
 */
export const isolate = (text: string): string => `\u2068${text}\u2069`;

export function priceText(course: CourseCard, locale: string, t: Translate): string {
  return course.price.amount === 0
    ? t('catalog.free')
    : formatMoney(course.price.amount, course.price.currency, locale);
}

/** Stars for an average rating, with the same information as text for screen readers. */
export function ratingView(
  rating: CourseCard['rating'],
  locale: string,
  t: Translate,
): TemplateResult {
  if (rating.average === null || rating.count === 0) {
    return html`<span class="rating muted">${t('catalog.unrated')}</span>`;
  }
  const full = Math.max(0, Math.min(5, Math.round(rating.average)));
  const average = formatNumber(rating.average, locale, {
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
  });
  const count = formatNumber(rating.count, locale);
  return html`<span
    class="rating"
    role="img"
    aria-label=${t('catalog.rated', { rating: average, count })}
    ><span class="stars" aria-hidden="true"
      >${'★'.repeat(full)}<span class="off">${'★'.repeat(5 - full)}</span></span
    >
    ${average} (${count})</span
  >`;
}

/** A value's display name from the copy (`prefix.value`), else the value itself. */
export function labelOf(prefix: string, value: string, t: Translate): string {
  const key = `${prefix}.${value}` as MessageKey;
  const text = t(key);
  return text === key ? value : text;
}

/** A category as stored (lowercase), capitalized for display in the locale. */
export function categoryName(value: string, locale: string): string {
  return value.charAt(0).toLocaleUpperCase(locale) + value.slice(1);
}

export function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The cover image, or a placeholder with the title's first letter when there is none. */
export function coverView(course: CourseCard, api: string, t: Translate): TemplateResult {
  const src = safeUrl(course.coverUrl, api);
  return src
    ? html`<img
        part="cover"
        class="cover"
        src=${src}
        alt=${t('catalog.cover', { title: isolate(course.title) })}
        loading="lazy"
      />`
    : html`<div part="cover" class="cover none" aria-hidden="true" dir="auto">
        ${[...course.title.trim()][0]?.toUpperCase() ?? nothing}
      </div>`;
}
