import { html, nothing, type TemplateResult } from 'lit';
import { LxApiError } from '../internal/api-client.js';
import { addEnglish, type Translate } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { catalogMessages } from '../messages/course-catalog.js';
import { catalogStyles } from './catalog.styles.js';
import type * as Detail from './course-detail.js';
import {
  categoryName,
  coverView,
  isolate,
  labelOf,
  languageName,
  priceText,
  ratingView,
} from './format.js';
import type { CatalogHost, CourseCard, CoursePage, FacetValue } from './types.js';

/*
 * What the catalog shows once it has loaded: the search box with its suggestions, the filters,
 * the results and, when a course is open, its page (a further chunk). The element fetches this
 * chunk when its configuration is ready, so the page's first download stays small.
 */

addEnglish(catalogMessages);

const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'rating', 'popular'] as const;
const LEVELS = ['beginner', 'intermediate', 'advanced', 'all'];
const RATINGS = ['4', '3', '2'];
const DEBOUNCE_MS = 250;

interface Filters {
  category: string;
  level: string;
  language: string;
  price: '' | 'free' | 'paid';
  minPrice: string;
  maxPrice: string;
  minRating: string;
}

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
  #sort: (typeof SORTS)[number] | '' = '';
  #page: CoursePage | undefined;
  #error: LxApiError | undefined;
  #busy = false;
  #more = false;
  #suggestions: { id: string; title: string }[] = [];
  #open = false;
  #active = -1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #request = 0;
  #suggestRequest = 0;
  #abort: AbortController | undefined;
  #detail: typeof Detail | undefined;
  #course: Detail.CourseView | undefined;
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

  get t(): Translate {
    return this.#host.t;
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
        .get<{ suggestions: { id: string; title: string }[] }>('v1/courses/suggest', {
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

  #choose(suggestion: { id: string; title: string }): void {
    this.#typed = suggestion.title;
    this.#close();
    void this.openCourse(suggestion.id);
  }

  /* Filters and sort */

  #onFilter(event: Event): void {
    const input = event.target as HTMLInputElement | HTMLSelectElement;
    const name = input.name as keyof Filters | 'sort';
    if (name === 'sort') this.#sort = input.value as (typeof SORTS)[number];
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
    this.#course = new this.#detail.CourseView(this.#host, id, {
      t: this.t,
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
    const t = this.t;
    return html`<div part="base" class="catalog">
      <h2 class="visually-hidden">${t('catalog.title')}</h2>
      ${this.#renderSearch()} ${this.#renderFilters()}
      <p class="count" role="status">
        ${this.#page && !this.#busy ? t('catalog.count', { count: this.#number(this.#page.total) }) : ''}
      </p>
      ${this.#renderResults()}
    </div>`;
  }

  #number(n: number): string {
    return new Intl.NumberFormat(this.#host.locale()).format(n);
  }

  #renderSearch(): TemplateResult {
    const t = this.t;
    const open = this.#open && this.#suggestions.length > 0;
    return html`<form class="search" role="search" @submit=${(e: Event) => e.preventDefault()}>
      <label for="q">${t('catalog.search')}</label>
      <div class="combo">
        <input
          id="q"
          part="search"
          type="search"
          role="combobox"
          autocomplete="off"
          maxlength="200"
          spellcheck="false"
          aria-autocomplete="list"
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls="suggestions"
          aria-activedescendant=${open && this.#active >= 0 ? `s-${this.#active}` : nothing}
          placeholder=${t('catalog.search.placeholder')}
          .value=${this.#typed}
          @input=${(e: Event) => this.#onInput(e)}
          @keydown=${(e: KeyboardEvent) => this.#onKeydown(e)}
          @blur=${() => this.#open && this.#close()}
        />
        <ul
          id="suggestions"
          part="suggestions"
          role="listbox"
          aria-label=${t('catalog.suggestions')}
          ?hidden=${!open}
        >
          ${this.#suggestions.map(
            (s, i) =>
              html`<li
                id="s-${i}"
                role="option"
                dir="auto"
                aria-selected=${i === this.#active ? 'true' : 'false'}
                @mousedown=${(e: Event) => e.preventDefault()}
                @click=${() => this.#choose(s)}
              >
                ${s.title}
              </li>`,
          )}
        </ul>
      </div>
    </form>`;
  }

  #options(values: FacetValue[], selected: string, label: (value: string) => string) {
    const list =
      selected && !values.some((v) => v.value === selected)
        ? [...values, { value: selected, count: 0 }]
        : values;
    return list.map(
      (v) =>
        html`<option value=${v.value} ?selected=${v.value === selected}>
          ${this.t('catalog.facet', { label: label(v.value), count: this.#number(v.count) })}
        </option>`,
    );
  }

  #renderFilters(): TemplateResult {
    const t = this.t;
    const f = this.#filters;
    const facets = this.#page?.facets;
    const locale = this.#host.locale();
    const onChange = (e: Event) => this.#onFilter(e);
    const any = html`<option value="">${t('catalog.any')}</option>`;
    const select = (name: keyof Filters, label: string, options: unknown) =>
      html`<label
        >${label}
        <select name=${name} @change=${onChange}>
          ${any}${options}
        </select></label
      >`;
    const levels = facets?.level ?? LEVELS.map((value) => ({ value, count: 0 }));
    const filtered = Object.values(f).some(Boolean);
    return html`<div part="filters" class="filters">
      ${select(
        'category',
        t('catalog.category'),
        this.#options(facets?.category ?? [], f.category, (v) => categoryName(v, locale)),
      )}
      ${select(
        'level',
        t('catalog.level'),
        this.#options(levels, f.level, (v) => labelOf('catalog.level', v, t)),
      )}
      ${select(
        'language',
        t('catalog.language'),
        this.#options(facets?.language ?? [], f.language, (v) => languageName(v, locale)),
      )}
      <fieldset class="range">
        <legend>${t('catalog.price')}</legend>
        <select name="price" aria-label=${t('catalog.price')} @change=${onChange}>
          <option value="">${t('catalog.any')}</option>
          <option value="free" ?selected=${f.price === 'free'}>
            ${t('catalog.facet', { label: t('catalog.price.free'), count: this.#number(facets?.price.free ?? 0) })}
          </option>
          <option value="paid" ?selected=${f.price === 'paid'}>
            ${t('catalog.facet', { label: t('catalog.price.paid'), count: this.#number(facets?.price.paid ?? 0) })}
          </option>
        </select>
        <input
          name="minPrice"
          type="number"
          min="0"
          step="any"
          inputmode="decimal"
          aria-label=${t('catalog.price.min')}
          placeholder=${t('catalog.price.min')}
          .value=${f.minPrice}
          ?disabled=${f.price === 'free'}
          @change=${onChange}
        />
        <input
          name="maxPrice"
          type="number"
          min="0"
          step="any"
          inputmode="decimal"
          aria-label=${t('catalog.price.max')}
          placeholder=${t('catalog.price.max')}
          .value=${f.maxPrice}
          ?disabled=${f.price === 'free'}
          @change=${onChange}
        />
      </fieldset>
      ${select(
        'minRating',
        t('catalog.rating'),
        RATINGS.map(
          (stars) =>
            html`<option value=${stars} ?selected=${f.minRating === stars}>
              ${t('catalog.rating.min', { stars })}
            </option>`,
        ),
      )}
      <label
        >${t('catalog.sort')}
        <select name="sort" @change=${onChange}>
          ${SORTS.map(
            (sort) =>
              html`<option
                value=${sort}
                ?selected=${(this.#sort || (this.#query ? 'relevance' : 'newest')) === sort}
              >
                ${t(`catalog.sort.${sort}`)}
              </option>`,
          )}
        </select></label
      >
      ${
        filtered
          ? html`<button type="button" class="secondary" @click=${() => this.#clear()}>
              ${t('catalog.clear')}
            </button>`
          : nothing
      }
    </div>`;
  }

  #renderResults(): TemplateResult {
    const t = this.t;
    const page = this.#page;
    if (this.#error && !this.#busy) {
      return this.#host.problem(this.#error, () => {
        this.#error = undefined;
        void this.search();
      });
    }
    if (!page) {
      return html`<ul class="cards" aria-busy="true">
        <li class="visually-hidden" role="status">${t('state.loading')}</li>
        ${[0, 1, 2, 3].map(() => html`<li class="card skeleton" aria-hidden="true"></li>`)}
      </ul>`;
    }
    if (page.items.length === 0) {
      return html`<div part="state" class="state empty" role="status">
        <h3>${t('catalog.empty')}</h3>
        <p>${t('catalog.empty.hint')}</p>
      </div>`;
    }
    return html`<ul class="cards" aria-busy=${this.#busy ? 'true' : 'false'}>
        ${page.items.map((course) => this.#renderCard(course))}
      </ul>
      <div class="more">
        <small
          >${t('catalog.showing', {
            shown: this.#number(page.items.length),
            total: this.#number(page.total),
          })}</small
        >
        ${
          page.nextCursor
            ? html`<button
                part="more"
                class="secondary"
                ?disabled=${this.#more}
                aria-busy=${this.#more ? 'true' : 'false'}
                @click=${() => void this.#loadMore(true)}
              >
                ${t('catalog.more')}
              </button>`
            : nothing
        }
      </div>`;
  }

  #renderCard(course: CourseCard): TemplateResult {
    const t = this.t;
    const locale = this.#host.locale();
    return html`<li part="card" class="card">
      ${coverView(course, this.#host.api(), t)}
      <div class="body">
        <h3>
          <button
            class="open"
            dir="auto"
            data-course=${course.id}
            @click=${() => void this.openCourse(course.id)}
          >
            ${course.title}
          </button>
        </h3>
        ${course.subtitle ? html`<p class="subtitle" dir="auto">${course.subtitle}</p>` : nothing}
        <p class="muted">${t('catalog.by', { name: isolate(course.instructor.name) })}</p>
        ${ratingView(course.rating, locale, t)}
        <p class="foot">
          <span part="price" class="price">${priceText(course, locale, t)}</span>
          ${
            course.enrolled
              ? html`<span part="owned" class="badge">${t('catalog.owned')}</span>`
              : nothing
          }
        </p>
      </div>
    </li>`;
  }
}
