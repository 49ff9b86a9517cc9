import type { TemplateResult } from 'lit';
import type { LxApiError } from '../internal/api-client.js';
import { safeUrl } from '../internal/urls.js';
import type { ReviewSort } from '../../server/modules/marketplace/contract.js';
import { renderCourse } from './course-detail-view.js';
import { LxCourseSelectEvent } from './course-select.event.js';
import type { CatalogHost, CourseDetail, Material, Review, ReviewPage } from './types.js';

export { detailStyles } from './course-detail.styles.js';

/*
 * The course a learner has open: it loads the course and its reviews, buys or enrolls, hands
 * out download links and saves the learner's review; what its page shows is in
 * course-detail-view.ts. Loaded the first time a learner opens a course.
 */

export interface OpenCourseOptions {
  /** Back to the results. */
  back(): void;
  /** The learner now owns the course (enrolled). */
  owned(courseId: string): void;
}

export class OpenCourse {
  readonly #host: CatalogHost;
  readonly #o: OpenCourseOptions;
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
    options: OpenCourseOptions,
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
      this.#notice = this.#host.t('course.signin');
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
      this.#notice = this.#host.t('course.enroll.done');
      this.#o.owned(course.id);
      await this.load();
    } catch (error) {
      const problem = error as LxApiError;
      // Enrolled from another tab meanwhile: the page only needs to catch up.
      if (problem.code === 'conflict') await this.load();
      else this.#notice = this.#host.t('course.failed');
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
      this.#notice = this.#host.t('course.failed');
      this.#update();
    }
  }

  async #saveReview(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.#busy) return;
    this.#saved = '';
    if (this.#rating < 1 || this.#rating > 5) {
      this.#formError = this.#host.t('course.review.pick');
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
      this.#saved = this.#host.t('course.review.saved');
      await this.load();
    } catch {
      this.#formError = this.#host.t('course.failed');
    }
    this.#busy = false;
    this.#update();
  }

  render(): TemplateResult {
    return renderCourse({
      t: this.#host.t,
      locale: this.#host.locale(),
      api: this.#host.api(),
      signedIn: this.#host.signedIn(),
      course: this.course,
      error: this.#error,
      reviews: this.#reviews,
      summary: this.#summary,
      cursor: this.#cursor,
      sort: this.#sort,
      notice: this.#notice,
      busy: this.#busy,
      rating: this.#rating,
      text: this.#text,
      formError: this.#formError,
      saved: this.#saved,
      problem: (error, retry) => this.#host.problem(error, retry),
      onBack: () => this.#o.back(),
      onRetry: () => void this.load(),
      onSelect: () => void this.#select(),
      onDownload: (material) => void this.#download(material),
      onSort: (event) => this.#onSort(event),
      onMore: () => this.#moreReviews(),
      onRate: (stars) => {
        this.#rating = stars;
        this.#edited = true;
        this.#formError = '';
        this.#update();
      },
      onText: (text) => {
        this.#text = text;
        this.#edited = true;
        this.#update();
      },
      onSave: (event) => void this.#saveReview(event),
    });
  }
}
