import { html, nothing, type TemplateResult } from 'lit';
import type {
  REVIEW_TEXT_MAX as SERVER_REVIEW_TEXT_MAX,
  ReviewSort,
} from '../../server/modules/marketplace/contract.js';
import type { LxApiError } from '../internal/api-client.js';
import { formatDate, formatMoney, formatNumber, type Translate } from '../internal/i18n.js';
import { renderBlocks } from './blocks.js';
import {
  categoryName,
  coverView,
  isolate,
  labelOf,
  languageName,
  priceText,
  ratingView,
} from './format.js';
import type { CourseDetail, Material, Review, ReviewPage } from './types.js';

/*
 * What a course's page shows: its header with the buy or enroll button, the description, the
 * materials, the rating summary, the reviews and the learner's own review form.
 */

/** The longest review the server accepts. */
export const REVIEW_TEXT_MAX = 4000 satisfies typeof SERVER_REVIEW_TEXT_MAX;
export const REVIEW_SORTS = [
  'newest',
  'helpful',
  'highest',
  'lowest',
] as const satisfies readonly ReviewSort[];

export interface CourseDetailView {
  t: Translate;
  locale: string;
  /** The API origin, which covers are relative to. */
  api: string;
  signedIn: boolean;
  course: CourseDetail | undefined;
  error: LxApiError | undefined;
  reviews: Review[];
  summary: ReviewPage['summary'] | undefined;
  /** Where the next page of reviews starts; null when there is none. */
  cursor: string | null;
  sort: ReviewSort;
  /** The outcome of buying, enrolling or downloading, announced politely. */
  notice: string;
  busy: boolean;
  /** The learner's review as being written, why it cannot be sent, and the thanks once it is. */
  rating: number;
  text: string;
  formError: string;
  saved: string;
  problem(error: LxApiError, retry: () => void): TemplateResult;
  onBack: () => void;
  onRetry: () => void;
  onSelect: () => void;
  onDownload: (material: Material) => void;
  onSort: (event: Event) => void;
  onMore: () => void;
  onRate: (stars: number) => void;
  onText: (text: string) => void;
  onSave: (event: SubmitEvent) => void;
}

export function renderCourse(v: CourseDetailView): TemplateResult {
  const { t } = v;
  const back = html`<button class="back secondary" @click=${v.onBack}>
    ← ${t('course.back')}
  </button>`;
  if (v.error && !v.course) {
    return html`<div part="base detail" class="detail">
      ${back}${v.problem(v.error, v.onRetry)}
    </div>`;
  }
  const { course } = v;
  if (!course) {
    return html`<div part="base detail" class="detail">
      ${back}
      <div class="skeleton tall" role="status" aria-busy="true">
        <span class="visually-hidden">${t('state.loading')}</span>
      </div>
    </div>`;
  }
  const { locale } = v;
  return html`<article part="base detail" class="detail" aria-labelledby="course-title">
    ${back}
    <header class="hero">
      ${coverView(course, v.api, t)}
      <div class="intro">
        <h2 id="course-title" tabindex="-1" dir="auto">${course.title}</h2>
        ${course.subtitle ? html`<p class="subtitle" dir="auto">${course.subtitle}</p>` : nothing}
        <p class="muted">${t('catalog.by', { name: isolate(course.instructor.name) })}</p>
        <p class="meta">
          ${ratingView(course.rating, locale, t)}
          <span>${categoryName(course.category, locale)}</span>
          <span>${labelOf('catalog.level', course.level, t)}</span>
          <span>${languageName(course.language, locale)}</span>
        </p>
        <div class="action">
          <span part="price" class="price">${priceText(course, locale, t)}</span>
          ${
            course.enrolled
              ? html`<span part="owned" class="badge">${t('catalog.owned')}</span>
                  <span>${t('course.enrolled')}</span>`
              : html`<button part="buy" ?disabled=${v.busy} @click=${v.onSelect}>
                  ${
                    course.price.amount === 0
                      ? t('course.enroll')
                      : t('course.buy', {
                          price: formatMoney(course.price.amount, course.price.currency, locale),
                        })
                  }
                </button>`
          }
        </div>
        <p class="notice" role="status">${v.notice}</p>
      </div>
    </header>

    <section aria-labelledby="about">
      <h3 id="about">${t('course.about')}</h3>
      <div class="description">${renderBlocks(course.description?.blocks)}</div>
    </section>

    ${renderMaterials(v, course)} ${renderReviews(v, course)}
  </article>`;
}

function renderMaterials(v: CourseDetailView, course: CourseDetail): TemplateResult {
  const { t } = v;
  const size = (bytes: number) =>
    formatNumber(bytes >= 1_000_000 ? bytes / 1_000_000 : Math.max(0.1, bytes / 1000), v.locale, {
      style: 'unit',
      unit: bytes >= 1_000_000 ? 'megabyte' : 'kilobyte',
      maximumFractionDigits: 1,
    });
  return html`<section aria-labelledby="materials">
    <h3 id="materials">${t('course.materials')}</h3>
    ${
      course.materials.length === 0
        ? html`<p class="muted">${t('course.materials.empty')}</p>`
        : html`<ul class="materials">
              ${course.materials.map(
                (m) =>
                  html`<li>
                    <span
                      >${m.title}
                      <small class="muted">${m.kind} · ${size(m.sizeBytes)}</small></span
                    >
                    ${
                      course.enrolled
                        ? html`<button
                            class="secondary"
                            aria-label=${t('course.download.label', { title: isolate(m.title) })}
                            @click=${() => v.onDownload(m)}
                          >
                            ${t('course.download')}
                          </button>`
                        : nothing
                    }
                  </li>`,
              )}
            </ul>
            ${
              course.enrolled ? nothing : html`<p class="muted">${t('course.materials.locked')}</p>`
            }`
    }
  </section>`;
}

function renderReviews(v: CourseDetailView, course: CourseDetail): TemplateResult {
  const { t } = v;
  const { locale, signedIn } = v;
  const summary = v.summary;
  const date = (iso: string) => formatDate(iso, locale, { dateStyle: 'medium' });
  const count = summary?.count ?? 0;
  return html`<section aria-labelledby="reviews" class="reviews">
    <div class="row">
      <h3 id="reviews">${t('course.reviews')}</h3>
      ${
        count > 0
          ? html`<label class="row"
              >${t('course.reviews.sort')}
              <select @change=${v.onSort}>
                ${REVIEW_SORTS.map(
                  (sort) =>
                    html`<option value=${sort} ?selected=${sort === v.sort}>
                      ${t(`course.reviews.${sort}`)}
                    </option>`,
                )}
              </select></label
            >`
          : nothing
      }
    </div>
    ${
      summary && count > 0
        ? html`<div class="summary">
            ${ratingView(summary, locale, t)}
            <ul class="bars">
              ${[5, 4, 3, 2, 1].map((stars) => {
                const n = summary.distribution[stars as 1 | 2 | 3 | 4 | 5] ?? 0;
                return html`<li>
                  <span>${t('course.reviews.bar', { stars, count: n })}</span>
                  <meter min="0" max=${count} value=${n} aria-hidden="true"></meter>
                </li>`;
              })}
            </ul>
          </div>`
        : nothing
    }
    ${
      course.enrolled && signedIn
        ? renderForm(v)
        : signedIn
          ? html`<p class="muted">${t('course.review.enrolled')}</p>`
          : nothing
    }
    ${
      v.reviews.length === 0
        ? html`<p class="muted">${t('course.reviews.empty')}</p>`
        : html`<ul class="review-list">
            ${v.reviews.map(
              (r) =>
                html`<li part="review" class="review" ?data-mine=${r.mine}>
                  <p class="row">
                    <span
                      class="stars"
                      role="img"
                      aria-label=${t('course.review.stars', { stars: r.rating })}
                      >${'★'.repeat(r.rating)}<span class="off"
                        >${'★'.repeat(5 - r.rating)}</span
                      ></span
                    >
                    <strong dir="auto">${r.author.displayName}</strong>
                    ${r.mine ? html`<span class="badge">${t('course.review.mine')}</span>` : nothing}
                    <small class="muted"
                      >${date(r.createdAt)}${
                        r.updatedAt !== r.createdAt
                          ? ` · ${t('course.review.edited', { date: date(r.updatedAt) })}`
                          : ''
                      }</small
                    >
                  </p>
                  ${r.text ? html`<p class="text" dir="auto">${r.text}</p>` : nothing}
                </li>`,
            )}
          </ul>`
    }
    ${
      v.cursor
        ? html`<button class="secondary" @click=${v.onMore}>${t('course.reviews.more')}</button>`
        : nothing
    }
  </section>`;
}

function renderForm(v: CourseDetailView): TemplateResult {
  const { t } = v;
  const mine = v.reviews.some((r) => r.mine) || v.saved;
  return html`<form
    part="review-form"
    class="review-form"
    aria-labelledby="review-form-title"
    novalidate
    @submit=${v.onSave}
  >
    <h4 id="review-form-title">${t(mine ? 'course.review.edit' : 'course.review.write')}</h4>
    <fieldset class="rate" aria-describedby=${v.formError ? 'review-error' : nothing}>
      <legend>${t('course.review.rating')}</legend>
      ${[1, 2, 3, 4, 5].map(
        (n) =>
          html`<label
            ><input
              type="radio"
              name="rating"
              value=${n}
              .checked=${v.rating === n}
              @change=${() => v.onRate(n)}
            /><span>${t('course.review.stars', { stars: n })}</span></label
          >`,
      )}
    </fieldset>
    <label for="review-text">${t('course.review.text')}</label>
    <textarea
      id="review-text"
      name="text"
      rows="4"
      maxlength=${REVIEW_TEXT_MAX}
      aria-describedby="review-length"
      .value=${v.text}
      @input=${(e: Event) => v.onText((e.target as HTMLTextAreaElement).value)}
    ></textarea>
    <small id="review-length" class="muted"
      >${t('course.review.length', {
        count: formatNumber(v.text.length, v.locale),
        max: formatNumber(REVIEW_TEXT_MAX, v.locale),
      })}</small
    >
    ${
      v.formError
        ? html`<p id="review-error" class="error" role="alert">${v.formError}</p>`
        : nothing
    }
    <p role="status" class="notice">${v.saved}</p>
    <button type="submit" ?disabled=${v.busy}>${t('course.review.save')}</button>
  </form>`;
}
