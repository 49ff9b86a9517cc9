import { html, nothing, type TemplateResult } from 'lit';
import type { SortOrder } from '../../server/modules/marketplace/contract.js';
import type { LxApiError } from '../internal/api-client.js';
import { formatNumber, type Translate } from '../internal/i18n.js';
import {
  categoryName,
  coverView,
  isolate,
  labelOf,
  languageName,
  priceText,
  ratingView,
} from './format.js';
import type { CourseCard, CoursePage, FacetValue } from './types.js';

/*
 * What the catalog shows when no course is open: the search box with its suggestions (the
 * ARIA combobox pattern with a listbox popup), the filters with their counts, the sort and the
 * results with their "load more" button.
 */

export const SORTS = [
  'relevance',
  'newest',
  'price_asc',
  'price_desc',
  'rating',
  'popular',
] as const satisfies readonly SortOrder[];
export type Sort = (typeof SORTS)[number];
const LEVELS = ['beginner', 'intermediate', 'advanced', 'all'];
const RATINGS = ['4', '3', '2'];

export interface Filters {
  category: string;
  level: string;
  language: string;
  price: '' | 'free' | 'paid';
  minPrice: string;
  maxPrice: string;
  minRating: string;
}

export interface Suggestion {
  id: string;
  title: string;
}

export interface CatalogView {
  t: Translate;
  locale: string;
  /** The API origin, which course covers are relative to. */
  api: string;
  /** What the search box holds, and the search it started (once the typing settled). */
  typed: string;
  query: string;
  suggestions: Suggestion[];
  /** Whether the suggestions are open, and which one is active (-1: none). */
  open: boolean;
  active: number;
  filters: Filters;
  sort: Sort | '';
  page: CoursePage | undefined;
  error: LxApiError | undefined;
  /** A search is running; a further page is loading. */
  busy: boolean;
  more: boolean;
  problem(error: LxApiError, retry: () => void): TemplateResult;
  onInput: (event: Event) => void;
  onKeydown: (event: KeyboardEvent) => void;
  onBlur: () => void;
  onChoose: (suggestion: Suggestion) => void;
  onFilter: (event: Event) => void;
  onClear: () => void;
  onRetry: () => void;
  onMore: () => void;
  onOpen: (courseId: string) => void;
}

const number = (v: CatalogView, n: number) => formatNumber(n, v.locale);

export function renderCatalog(v: CatalogView): TemplateResult {
  const { t, page } = v;
  return html`<div part="base" class="catalog">
    <h2 class="visually-hidden">${t('catalog.title')}</h2>
    ${renderSearch(v)} ${renderFilters(v)}
    <p class="count" role="status">
      ${page && !v.busy ? t('catalog.count', { count: number(v, page.total) }) : ''}
    </p>
    ${renderResults(v)}
  </div>`;
}

function renderSearch(v: CatalogView): TemplateResult {
  const { t } = v;
  const open = v.open && v.suggestions.length > 0;
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
        aria-activedescendant=${open && v.active >= 0 ? `s-${v.active}` : nothing}
        placeholder=${t('catalog.search.placeholder')}
        .value=${v.typed}
        @input=${v.onInput}
        @keydown=${v.onKeydown}
        @blur=${v.onBlur}
      />
      <ul
        id="suggestions"
        part="suggestions"
        role="listbox"
        aria-label=${t('catalog.suggestions')}
        ?hidden=${!open}
      >
        ${v.suggestions.map(
          (s, i) =>
            html`<li
              id="s-${i}"
              role="option"
              dir="auto"
              aria-selected=${i === v.active ? 'true' : 'false'}
              @mousedown=${(e: Event) => e.preventDefault()}
              @click=${() => v.onChoose(s)}
            >
              ${s.title}
            </li>`,
        )}
      </ul>
    </div>
  </form>`;
}

function options(
  v: CatalogView,
  values: FacetValue[],
  selected: string,
  label: (value: string) => string,
) {
  const list =
    selected && !values.some((facet) => facet.value === selected)
      ? [...values, { value: selected, count: 0 }]
      : values;
  return list.map(
    (facet) =>
      html`<option value=${facet.value} ?selected=${facet.value === selected}>
        ${v.t('catalog.facet', { label: label(facet.value), count: number(v, facet.count) })}
      </option>`,
  );
}

function renderFilters(v: CatalogView): TemplateResult {
  const { t } = v;
  const f = v.filters;
  const facets = v.page?.facets;
  const locale = v.locale;
  const onChange = v.onFilter;
  const any = html`<option value="">${t('catalog.any')}</option>`;
  const select = (name: keyof Filters, label: string, options: unknown) =>
    html`<label
      >${label}
      <select name=${name} @change=${onChange}>
        ${any}${options}
      </select></label
    >`;
  const priceField = (name: 'minPrice' | 'maxPrice', label: string) =>
    html`<input
      name=${name}
      type="number"
      min="0"
      step="any"
      inputmode="decimal"
      aria-label=${label}
      placeholder=${label}
      .value=${f[name]}
      ?disabled=${f.price === 'free'}
      @change=${onChange}
    />`;
  const levels = facets?.level ?? LEVELS.map((value) => ({ value, count: 0 }));
  const filtered = Object.values(f).some(Boolean);
  return html`<div part="filters" class="filters">
    ${select(
      'category',
      t('catalog.category'),
      options(v, facets?.category ?? [], f.category, (value) => categoryName(value, locale)),
    )}
    ${select(
      'level',
      t('catalog.level'),
      options(v, levels, f.level, (value) => labelOf('catalog.level', value, t)),
    )}
    ${select(
      'language',
      t('catalog.language'),
      options(v, facets?.language ?? [], f.language, (value) => languageName(value, locale)),
    )}
    <fieldset class="range">
      <legend>${t('catalog.price')}</legend>
      <select name="price" aria-label=${t('catalog.price')} @change=${onChange}>
        <option value="">${t('catalog.any')}</option>
        <option value="free" ?selected=${f.price === 'free'}>
          ${t('catalog.facet', { label: t('catalog.price.free'), count: number(v, facets?.price.free ?? 0) })}
        </option>
        <option value="paid" ?selected=${f.price === 'paid'}>
          ${t('catalog.facet', { label: t('catalog.price.paid'), count: number(v, facets?.price.paid ?? 0) })}
        </option>
      </select>
      ${priceField('minPrice', t('catalog.price.min'))}
      ${priceField('maxPrice', t('catalog.price.max'))}
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
              ?selected=${(v.sort || (v.query ? 'relevance' : 'newest')) === sort}
            >
              ${t(`catalog.sort.${sort}`)}
            </option>`,
        )}
      </select></label
    >
    ${
      filtered
        ? html`<button type="button" class="secondary" @click=${v.onClear}>
            ${t('catalog.clear')}
          </button>`
        : nothing
    }
  </div>`;
}

function renderResults(v: CatalogView): TemplateResult {
  const { t } = v;
  const page = v.page;
  if (v.error && !v.busy) {
    return v.problem(v.error, v.onRetry);
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
  return html`<ul class="cards" aria-busy=${v.busy ? 'true' : 'false'}>
      ${page.items.map((course) => renderCard(v, course))}
    </ul>
    <div class="more">
      <small
        >${t('catalog.showing', {
          shown: number(v, page.items.length),
          total: number(v, page.total),
        })}</small
      >
      ${
        page.nextCursor
          ? html`<button
              part="more"
              class="secondary"
              ?disabled=${v.more}
              aria-busy=${v.more ? 'true' : 'false'}
              @click=${v.onMore}
            >
              ${t('catalog.more')}
            </button>`
          : nothing
      }
    </div>`;
}

function renderCard(v: CatalogView, course: CourseCard): TemplateResult {
  const { t } = v;
  const locale = v.locale;
  return html`<li part="card" class="card">
    ${coverView(course, v.api, t)}
    <div class="body">
      <h3>
        <button
          class="open"
          dir="auto"
          data-course=${course.id}
          @click=${() => v.onOpen(course.id)}
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
