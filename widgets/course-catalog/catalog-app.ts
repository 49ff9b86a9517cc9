import type { TemplateResult } from 'lit';
import { LxApiError } from '../internal/api-client.js';
import { addEnglish } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { catalogMessages } from '../messages/course-catalog.js';
import { catalogStyles } from './catalog.styles.js';
import { renderCatalog, type Filters, type Sort, type Suggestion } from './catalog-view.js';
import type * as Detail from './course-detail.js';
import type { CatalogHost, CoursePage } from './types.js';

/*
 * The catalog once it has loaded: the search (as the learner types, with suggestions), the
 * filters and sort, the pages of results (on request or as they scroll into view) and, when a
 * course is open, its page (a further chunk). What it shows is in catalog-view.ts. The element
 * fetches this chunk when its configuration is ready, so the page's first download stays small.
 */

addEnglish(catalogMessages);

const DEBOUNCE_MS = 250;

const noFilters = (category = ''): Filters => ({
  category,
  level: '',
  language: '',
  price: '',
  minPrice: '',
  maxPrice: '',
  minRating: '',
});

/** A price typed in major units, as the minor units of `currency`; undefined when not a price. */
function minorUnits(value: string, currency: string): number | undefined {
  const amount = Number(value.replace(',', '.'));
  if (!value.trim() || !Number.isFinite(amount) || amount < 0) return undefined;
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return Math.round(amount * 10 ** digits);
}

export class CatalogApp {
  readonly #host: CatalogHost;
  #filters: Filters;
  #typed = '';
  #query = '';
  #sort: Sort | '' = '';
  #page: CoursePage | undefined;
  #error: LxApiError | undefined;
  #busy = false;
  #more = false;
  #suggestions: Suggestion[] = [];
  #open = false;
  #active = -1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #request = 0;
  #suggestRequest = 0;
  #abort: AbortController | undefined;
  #detail: typeof Detail | undefined;
  #course: Detail.OpenCourse | undefined;
  #returnTo = '';
  #last: Record<string, unknown>;

  constructor(host: CatalogHost) {
    this.#host = host;
    this.#last = this.#seen();
    this.#filters = noFilters(host.element.category ?? '');
    host.element.addEventListener('lx-checkout-complete', (event) => {
      const detail = (event as CustomEvent<{ kind?: string; item?: string }>).detail;
      if (detail?.kind !== 'course' || !detail.item) return;
      this.#owned(detail.item);
      if (this.#course?.id === detail.item) void this.#course.purchased();
    });
  }

  async start(): Promise<void> {
    adoptStyles(this.#host.element, catalogStyles);
    const courseId = this.#host.element.courseId;
    await (courseId ? this.openCourse(courseId) : this.search());
  }

  /** What the element asked for when last looked at; only real changes act. */
  #seen(): Record<string, unknown> {
    const e = this.#host.element;
    return {
      locale: e.locale,
      courseId: e.courseId ?? '',
      category: e.category ?? '',
      pageSize: e.pageSize,
      learner: e.tokenProvider ?? e.userToken ?? '',
    };
  }

  /** Follows the element's attributes and learner once the catalog has started. */
  hostChanged(): void {
    const element = this.#host.element;
    const now = this.#seen();
    const last = this.#last;
    const changed = (key: string) => now[key] !== last[key];
    this.#last = now;
    if (changed('courseId')) {
      if (element.courseId) void this.openCourse(element.courseId);
      else this.closeCourse();
    }
    if (changed('category')) {
      this.#filters = { ...this.#filters, category: element.category ?? '' };
      void this.search();
    } else if (changed('pageSize') || now.learner !== last.learner) {
      void this.refresh();
    }
  }

  async refresh(): Promise<void> {
    await Promise.all([this.search(), this.#course?.load()]);
  }

  #update(): void {
    this.#host.element.requestUpdate();
  }

  #params(cursor?: string): Record<string, string | number | boolean | undefined> {
    const f = this.#filters;
    const currency = this.#host.currency();
    return {
      q: this.#query || undefined,
      category: f.category || undefined,
      level: f.level || undefined,
      language: f.language || undefined,
      free: f.price === 'free' ? true : f.price === 'paid' ? false : undefined,
      minPrice: f.price === 'free' ? undefined : minorUnits(f.minPrice, currency),
      maxPrice: f.price === 'free' ? undefined : minorUnits(f.maxPrice, currency),
      minRating: f.minRating || undefined,
      sort: this.#sort || undefined,
      // The API serves 1 to 50 courses a page.
      limit: Math.min(50, Math.max(1, Math.trunc(this.#host.element.pageSize) || 12)),
      cursor,
    };
  }

  /** Loads the first page for the current words, filters and sort. */
  async search(): Promise<void> {
    const request = ++this.#request;
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.#busy = true;
    this.#update();
    try {
      const page = await this.#host
        .client()
        .get<CoursePage>('v1/courses', { query: this.#params(), signal: abort.signal });
      if (request !== this.#request) return;
      this.#page = page;
      this.#error = undefined;
    } catch (error) {
      if (request !== this.#request || (error as Error).name === 'AbortError') return;
      this.#error = error as LxApiError;
      this.#host.report(this.#error);
    }
    this.#busy = false;
    this.#update();
  }

  /** The next page; `focus` when the learner asked with the button rather than by scrolling. */
  async #loadMore(focus: boolean): Promise<void> {
    const page = this.#page;
    if (!page?.nextCursor || this.#more) return;
    const request = this.#request;
    this.#more = true;
    this.#update();
    try {
      const next = await this.#host
        .client()
        .get<CoursePage>('v1/courses', { query: this.#params(page.nextCursor) });
      this.#more = false;
      if (request !== this.#request) return;
      const seen = new Set(page.items.map((c) => c.id));
      const fresh = next.items.filter((c) => !seen.has(c.id));
      this.#page = { ...next, items: [...page.items, ...fresh] };
      // Observed afresh, the button reports whether it is still in view after the new cards.
      this.#watched = null;
      this.#update();
      // Keyboard and screen-reader users continue from the first course that arrived.
      await this.#host.element.updateComplete;
      if (focus && fresh[0]) this.#focusCard(fresh[0].id);
    } catch (error) {
      this.#more = false;
      if (request !== this.#request) return;
      this.#error = error as LxApiError;
      this.#host.report(this.#error);
      this.#update();
    }
  }

  #observer: IntersectionObserver | undefined;
  #watched: Element | null = null;

  /** With `infinite`, the "load more" button loads the next page as it scrolls into view. */
  #watchMore(): void {
    const button = this.#host.element.infinite
      ? this.#host.element.renderRoot.querySelector('[part="more"]')
      : null;
    if (button === this.#watched) return;
    this.#observer?.disconnect();
    this.#watched = button;
    if (!button) return;
    this.#observer ??= new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void this.#loadMore(false);
    });
    this.#observer.observe(button);
  }

  /** Focuses a course's card, else (a course opened from a suggestion) the search box. */
  #focusCard(id: string): void {
    const root = this.#host.element.renderRoot;
    (
      root.querySelector<HTMLElement>(`[data-course="${CSS.escape(id)}"]`) ??
      root.querySelector<HTMLElement>('#q')
    )?.focus();
  }

  /* Search box and suggestions (the ARIA combobox pattern with a listbox popup). */

  #onInput(event: Event): void {
    this.#typed = (event.target as HTMLInputElement).value;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#query = this.#typed.trim();
      void this.search();
      void this.#suggest();
    }, DEBOUNCE_MS);
  }

  async #suggest(): Promise<void> {
    const request = ++this.#suggestRequest;
    const q = this.#query;
    if (!q) {
      this.#close();
      return;
    }
    try {
      const { suggestions } = await this.#host
        .client()
        .get<{ suggestions: Suggestion[] }>('v1/courses/suggest', {
          query: { q },
        });
      if (request !== this.#suggestRequest) return;
      this.#suggestions = suggestions;
      this.#active = -1;
      const input = this.#host.element.renderRoot.querySelector('#q');
      this.#open =
        suggestions.length > 0 && (this.#host.element.shadowRoot?.activeElement ?? null) === input;
    } catch {
      // Suggestions are a convenience: the results below still answer the search.
      this.#suggestions = [];
      this.#open = false;
    }
    this.#update();
  }

  #close(): void {
    this.#open = false;
    this.#active = -1;
    this.#update();
  }

  #onKeydown(event: KeyboardEvent): void {
    const count = this.#suggestions.length;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (!count) return;
        event.preventDefault();
        const down = event.key === 'ArrowDown';
        if (!this.#open) {
          this.#open = true;
          this.#active = down ? 0 : count - 1;
        } else {
          this.#active = down
            ? (this.#active + 1) % count
            : this.#active <= 0
              ? count - 1
              : this.#active - 1;
        }
        this.#update();
        break;
      }
      case 'Enter': {
        event.preventDefault();
        const chosen = this.#open ? this.#suggestions[this.#active] : undefined;
        if (chosen) {
          this.#choose(chosen);
        } else {
          clearTimeout(this.#timer);
          this.#query = this.#typed.trim();
          this.#close();
          void this.search();
        }
        break;
      }
      case 'Escape':
        if (this.#open) {
          event.preventDefault();
          this.#close();
        } else if (this.#typed) {
          event.preventDefault();
          this.#typed = '';
          this.#query = '';
          this.#suggestions = [];
          (event.target as HTMLInputElement).value = '';
          void this.search();
        }
        break;
    }
  }

  #choose(suggestion: Suggestion): void {
    this.#typed = suggestion.title;
    this.#close();
    void this.openCourse(suggestion.id);
  }

  /* Filters and sort */

  #onFilter(event: Event): void {
    const input = event.target as HTMLInputElement | HTMLSelectElement;
    const name = input.name as keyof Filters | 'sort';
    if (name === 'sort') this.#sort = input.value as Sort;
    else this.#filters = { ...this.#filters, [name]: input.value };
    void this.search();
  }

  #clear(): void {
    this.#filters = noFilters();
    void this.search();
  }

  /* The course page */

  /** Opens a course's page in place of the results. */
  async openCourse(id: string): Promise<void> {
    this.#returnTo = id;
    try {
      this.#detail ??= await import('./course-detail.js');
    } catch {
      this.#error = new LxApiError('network_error', 0, 'The course could not be loaded.');
      this.#update();
      return;
    }
    adoptStyles(this.#host.element, this.#detail.detailStyles);
    if (this.#course?.id === id) return;
    this.#course = new this.#detail.OpenCourse(this.#host, id, {
      back: () => this.closeCourse(),
      owned: (courseId) => this.#owned(courseId),
    });
    this.#update();
    await this.#course.load();
    await this.#host.element.updateComplete;
    this.#host.element.renderRoot.querySelector<HTMLElement>('#course-title')?.focus();
  }

  closeCourse(): void {
    if (!this.#course) return;
    this.#course = undefined;
    this.#update();
    if (!this.#page && !this.#busy) void this.search();
    void this.#host.element.updateComplete.then(() => {
      if (this.#returnTo) this.#focusCard(this.#returnTo);
    });
  }

  /** Marks a course as the learner's in the results after an enrollment or a purchase. */
  #owned(courseId: string): void {
    if (!this.#page) return;
    this.#page = {
      ...this.#page,
      items: this.#page.items.map((c) => (c.id === courseId ? { ...c, enrolled: true } : c)),
    };
    this.#update();
  }

  /* Rendering */

  render(): TemplateResult {
    void this.#host.element.updateComplete.then(() => this.#watchMore());
    if (this.#course) return this.#course.render();
    return renderCatalog({
      t: this.#host.t,
      locale: this.#host.locale(),
      api: this.#host.api(),
      typed: this.#typed,
      query: this.#query,
      suggestions: this.#suggestions,
      open: this.#open,
      active: this.#active,
      filters: this.#filters,
      sort: this.#sort,
      page: this.#page,
      error: this.#error,
      busy: this.#busy,
      more: this.#more,
      problem: (error, retry) => this.#host.problem(error, retry),
      onInput: (event) => this.#onInput(event),
      onKeydown: (event) => this.#onKeydown(event),
      onBlur: () => this.#open && this.#close(),
      onChoose: (suggestion) => this.#choose(suggestion),
      onFilter: (event) => this.#onFilter(event),
      onClear: () => this.#clear(),
      onRetry: () => {
        this.#error = undefined;
        void this.search();
      },
      onMore: () => void this.#loadMore(true),
      onOpen: (courseId) => void this.openCourse(courseId),
    });
  }
}
