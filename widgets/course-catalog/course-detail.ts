import { html, nothing, type TemplateResult } from 'lit';
import type { LxApiError } from '../internal/api-client.js';
import { formatMoney, type Translate } from '../internal/i18n.js';
import { safeUrl } from '../internal/urls.js';
import { renderBlocks } from './blocks.js';
import { LxCourseSelectEvent } from './course-select.event.js';
import {
  categoryName,
  coverView,
  isolate,
  labelOf,
  languageName,
  priceText,
  ratingView,
} from './format.js';
import type { CatalogHost, CourseDetail, Material, Review, ReviewPage } from './types.js';

export { detailStyles } from './course-detail.styles.js';

/*
 * A course's page: description, materials, reviews and the buy or enroll button. Loaded the
 * first time a learner opens a course.
 */

/** The longest review the server accepts. */
export const REVIEW_TEXT_MAX = 4000;
const SORTS = ['newest', 'helpful', 'highest', 'lowest'] as const;
type ReviewSort = (typeof SORTS)[number];

export interface CourseViewOptions {
  t: Translate;
  back(): void;
  owned(courseId: string): void;
}

export class CourseView {
  readonly #host: CatalogHost;
  readonly #o: CourseViewOptions;
  course: CourseDetail | undefined;
  #error: LxApiError | undefined;
  #reviews: Review[] = [];
  #summary: ReviewPage['summary'] | undefined;
  #cursor: string | null = null;
  #sort: ReviewSort = 'newest';
  #notice = '';
  #busy = false;
  #rating = 0;
  #text = '';
  #formError = '';
  #saved = '';
  #edited = false;
  /** Paid for in this page: enrolled, even while the server's copy lags behind. */
  #purchased = false;

  constructor(
    host: CatalogHost,
    readonly id: string,
    options: CourseViewOptions,
  ) {
    this.#host = host;
    this.#o = options;
  }

  #update(): void {
    this.#host.element.requestUpdate();
  }

  get #path(): string {
    return `v1/courses/${encodeURIComponent(this.id)}`;
  }

  /** Loads (or reloads) the course and the first page of its reviews. */
  async load(): Promise<void> {
    try {
      const [course] = await Promise.all([
        this.#host.client().get<CourseDetail>(this.#path),
        this.#loadReviews(true),
      ]);
      this.course = this.#purchased ? { ...course, enrolled: true } : course;
      this.#error = undefined;
    } catch (error) {
      this.#error = error as LxApiError;
      this.#host.report(this.#error);
    }
    this.#update();
  }

  async #loadReviews(reset: boolean): Promise<void> {
    const page = await this.#host.client().get<ReviewPage>(`${this.#path}/reviews`, {
      query: {
        sort: this.#sort,
        limit: Math.min(50, Math.max(1, Math.trunc(this.#host.element.pageSize) || 10)),
        cursor: reset ? undefined : (this.#cursor ?? undefined),
      },
    });
    const seen = new Set(reset ? [] : this.#reviews.map((r) => r.id));
    this.#reviews = reset
      ? page.items
      : [...this.#reviews, ...page.items.filter((r) => !seen.has(r.id))];
    this.#cursor = page.nextCursor;
    this.#summary = page.summary;
    const mine = page.items.find((r) => r.mine);
    if (mine && !this.#edited) {
      this.#rating = mine.rating;
      this.#text = mine.text;
    }
    this.#update();
  }

  #moreReviews(): void {
    void this.#loadReviews(false).catch((error: LxApiError) => {
      this.#error = error;
      this.#update();
    });
  }

  #onSort(event: Event): void {
    this.#sort = (event.target as HTMLSelectElement).value as ReviewSort;
    void this.#loadReviews(true).catch((error: LxApiError) => {
      this.#error = error;
      this.#update();
    });
  }

  /** Marks the course as bought (after `lx-checkout-complete`) and reloads it. */
  purchased(): Promise<void> {
    this.#purchased = true;
    if (this.course) this.course = { ...this.course, enrolled: true };
    this.#update();
    return this.load();
  }

  /** Buy or enroll: the host hears it first and may take over. */
  async #select(): Promise<void> {
    const course = this.course;
    if (!course || this.#busy) return;
    this.#notice = '';
    const proceed = this.#host.element.dispatchEvent(
      new LxCourseSelectEvent({
        courseId: course.id,
        title: course.title,
        price: { amount: course.price.amount, currency: course.price.currency },
      }),
    );
    if (!proceed) return;
    if (!this.#host.signedIn()) {
      this.#notice = this.#o.t('course.signin');
      this.#update();
      return;
    }
    if (course.price.amount > 0) {
      const { openCheckout } = await import('../internal/open-checkout.js');
      openCheckout(this.#host.element, {
        kind: 'course',
        courseId: course.id,
        itemName: course.title,
      });
      return;
    }
    this.#busy = true;
    this.#update();
    try {
      await this.#host.client().post(`${this.#path}/enroll`, {});
      this.#notice = this.#o.t('course.enroll.done');
      this.#o.owned(course.id);
      await this.load();
    } catch (error) {
      const problem = error as LxApiError;
      // Enrolled from another tab meanwhile: the page only needs to catch up.
      if (problem.code === 'conflict') await this.load();
      else this.#notice = this.#o.t('course.failed');
    }
    this.#busy = false;
    this.#update();
  }

  async #download(material: Material): Promise<void> {
    try {
      const link = await this.#host
        .client()
        .post<{ url: string; expiresAt: string }>(
          `${this.#path}/materials/${encodeURIComponent(material.id)}/link`,
          {},
        );
      const href = safeUrl(link.url, this.#host.api());
      if (!href) throw new Error('unsafe link');
      const a = document.createElement('a');
      a.href = href;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      a.click();
    } catch {
      this.#notice = this.#o.t('course.failed');
      this.#update();
    }
  }

  async #saveReview(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.#busy) return;
    this.#saved = '';
    if (this.#rating < 1 || this.#rating > 5) {
      this.#formError = this.#o.t('course.review.pick');
      this.#update();
      await this.#host.element.updateComplete;
      this.#host.element.renderRoot.querySelector<HTMLElement>('input[name="rating"]')?.focus();
      return;
    }
    this.#busy = true;
    this.#formError = '';
    this.#update();
    try {
      await this.#host.client().request('PUT', `${this.#path}/reviews/mine`, {
        body: { rating: this.#rating, text: this.#text.trim() },
      });
      this.#edited = false;
      this.#saved = this.#o.t('course.review.saved');
      await this.load();
    } catch {
      this.#formError = this.#o.t('course.failed');
    }
    this.#busy = false;
    this.#update();
  }

  render(): TemplateResult {
    const t = this.#o.t;
    const back = html`<button class="back secondary" @click=${() => this.#o.back()}>
      ← ${t('course.back')}
    </button>`;
    if (this.#error && !this.course) {
      return html`<div part="base detail" class="detail">
        ${back}${this.#host.problem(this.#error, () => void this.load())}
      </div>`;
    }
    const course = this.course;
    if (!course) {
      return html`<div part="base detail" class="detail">
        ${back}
        <div class="skeleton tall" role="status" aria-busy="true">
          <span class="visually-hidden">${t('state.loading')}</span>
        </div>
      </div>`;
    }
    const locale = this.#host.locale();
    const signedIn = this.#host.signedIn();
    return html`<article part="base detail" class="detail" aria-labelledby="course-title">
      ${back}
      <header class="hero">
        ${coverView(course, this.#host.api(), t)}
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
                : html`<button
                    part="buy"
                    ?disabled=${this.#busy}
                    @click=${() => void this.#select()}
                  >
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
          <p class="notice" role="status">${this.#notice}</p>
        </div>
      </header>

      <section aria-labelledby="about">
        <h3 id="about">${t('course.about')}</h3>
        <div class="description">${renderBlocks(course.description?.blocks)}</div>
      </section>

      ${this.#renderMaterials(course)} ${this.#renderReviews(course, signedIn)}
    </article>`;
  }

  #renderMaterials(course: CourseDetail): TemplateResult {
    const t = this.#o.t;
    const size = (bytes: number) =>
      new Intl.NumberFormat(this.#host.locale(), {
        style: 'unit',
        unit: bytes >= 1_000_000 ? 'megabyte' : 'kilobyte',
        maximumFractionDigits: 1,
      }).format(bytes >= 1_000_000 ? bytes / 1_000_000 : Math.max(0.1, bytes / 1000));
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
                              @click=${() => void this.#download(m)}
                            >
                              ${t('course.download')}
                            </button>`
                          : nothing
                      }
                    </li>`,
                )}
              </ul>
              ${
                course.enrolled
                  ? nothing
                  : html`<p class="muted">${t('course.materials.locked')}</p>`
              }`
      }
    </section>`;
  }

  #renderReviews(course: CourseDetail, signedIn: boolean): TemplateResult {
    const t = this.#o.t;
    const locale = this.#host.locale();
    const summary = this.#summary;
    const date = (iso: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
    const count = summary?.count ?? 0;
    return html`<section aria-labelledby="reviews" class="reviews">
      <div class="row">
        <h3 id="reviews">${t('course.reviews')}</h3>
        ${
          count > 0
            ? html`<label class="row"
                >${t('course.reviews.sort')}
                <select @change=${(e: Event) => this.#onSort(e)}>
                  ${SORTS.map(
                    (sort) =>
                      html`<option value=${sort} ?selected=${sort === this.#sort}>
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
                  const n = summary.distribution[String(stars)] ?? 0;
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
          ? this.#renderForm()
          : signedIn
            ? html`<p class="muted">${t('course.review.enrolled')}</p>`
            : nothing
      }
      ${
        this.#reviews.length === 0
          ? html`<p class="muted">${t('course.reviews.empty')}</p>`
          : html`<ul class="review-list">
              ${this.#reviews.map(
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
        this.#cursor
          ? html`<button class="secondary" @click=${() => this.#moreReviews()}>
              ${t('course.reviews.more')}
            </button>`
          : nothing
      }
    </section>`;
  }

  #renderForm(): TemplateResult {
    const t = this.#o.t;
    const mine = this.#reviews.some((r) => r.mine) || this.#saved;
    return html`<form
      part="review-form"
      class="review-form"
      aria-labelledby="review-form-title"
      novalidate
      @submit=${(e: SubmitEvent) => void this.#saveReview(e)}
    >
      <h4 id="review-form-title">${t(mine ? 'course.review.edit' : 'course.review.write')}</h4>
      <fieldset class="rate" aria-describedby=${this.#formError ? 'review-error' : nothing}>
        <legend>${t('course.review.rating')}</legend>
        ${[1, 2, 3, 4, 5].map(
          (n) =>
            html`<label
              ><input
                type="radio"
                name="rating"
                value=${n}
                .checked=${this.#rating === n}
                @change=${() => {
                  this.#rating = n;
                  this.#edited = true;
                  this.#formError = '';
                  this.#update();
                }}
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
        .value=${this.#text}
        @input=${(e: Event) => {
          this.#text = (e.target as HTMLTextAreaElement).value;
          this.#edited = true;
          this.#update();
        }}
      ></textarea>
      <small id="review-length" class="muted"
        >${t('course.review.length', {
          count: new Intl.NumberFormat(this.#host.locale()).format(this.#text.length),
          max: new Intl.NumberFormat(this.#host.locale()).format(REVIEW_TEXT_MAX),
        })}</small
      >
      ${
        this.#formError
          ? html`<p id="review-error" class="error" role="alert">${this.#formError}</p>`
          : nothing
      }
      <p role="status" class="notice">${this.#saved}</p>
      <button type="submit" ?disabled=${this.#busy}>${t('course.review.save')}</button>
    </form>`;
  }
}
