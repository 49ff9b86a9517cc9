import type { PropertyValues, TemplateResult } from 'lit';
import { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import type { Translations } from '../internal/i18n.js';
import type * as App from './catalog-app.js';

/**
 * @tagname lx-course-catalog
 * @summary The course marketplace: search with suggestions, filters with counts, sort, course
 * cards, and a course's page with its description, materials, reviews and a buy button.
 *
 * @event lx-course-select - A learner asked to buy or enroll. Cancelable: call `preventDefault()` to handle it yourself (for example to sign the learner in); otherwise free courses are enrolled and paid ones open `lx-checkout`. `detail` is `{ courseId, title, price: { amount, currency } }`.
 * @event lx-checkout-complete - A course bought through the checkout the catalog opened was paid; the catalog shows it as owned. `detail` is the checkout's (`{ kind, item, paymentId, amount, currency, receiptUrl, … }`).
 * @event lx-error - The widget cannot work (license, origin, limit, network). `detail` is `{ code, status, message }`.
 *
 * @csspart base - The wrapper around the catalog or the course page.
 * @csspart search - The search box (a combobox).
 * @csspart suggestions - The list of suggested courses under the search box.
 * @csspart filters - The filters and the sort.
 * @csspart card - One course in the results.
 * @csspart cover - A course's cover image.
 * @csspart price - A course's price, or "Free".
 * @csspart owned - The badge on courses the learner already owns.
 * @csspart more - The button that loads more courses.
 * @csspart detail - The course page.
 * @csspart buy - The buy or enroll button.
 * @csspart review - One review.
 * @csspart review-form - The form to write or edit the learner's review.
 * @csspart state - A loading, empty or error state.
 *
 * @cssproperty --lx-course-catalog-card-width - Smallest width of a course card (15rem).
 * @cssproperty --lx-course-catalog-star - Colour of the rating stars (the warning colour).
 */
export class LxCourseCatalog extends LxElement {
  static override translations: Translations = {
    ar: () => import('./locales/ar.js'),
    de: () => import('./locales/de.js'),
    fr: () => import('./locales/fr.js'),
  };

  static override properties = {
    ...LxElement.properties,
    category: {},
    pageSize: { type: Number, attribute: 'page-size' },
    courseId: { attribute: 'course-id' },
    infinite: { type: Boolean },
    loadError: { state: true },
  };

  /** The category the results start filtered by. */
  declare category: string | undefined;
  /** Courses per page of results, and reviews per page on a course (1 to 50). */
  declare pageSize: number;
  /** A course to open directly; its page shows instead of the results. */
  declare courseId: string | undefined;
  /**
   * Loads the next page when the learner scrolls to the end of the results; the "load more"
   * button stays as the way to do it by keyboard or when scrolling cannot tell.
   */
  declare infinite: boolean;
  declare private loadError: LxApiError | undefined;
  #app: App.CatalogApp | undefined;

  constructor() {
    super();
    this.pageSize = 12;
    this.infinite = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.#app?.hostChanged();
  }

  protected override configReady(_config: EmbedConfig): void {
    if (!this.#app) void this.#load();
  }

  async #load(): Promise<void> {
    this.loadError = undefined;
    try {
      const { CatalogApp } = await import('./catalog-app.js');
      this.#app ??= new CatalogApp({
        element: this,
        client: () => this.client,
        api: () => this.endpoint.api,
        locale: () => this.resolvedLocale,
        currency: () => this.config?.currency ?? 'USD',
        t: this.msg,
        signedIn: () => this.signedIn,
        report: (error) => this.reportError(error),
        problem: (error, retry) => this.renderProblem(error, retry),
        loading: () => this.renderLoading(),
      });
      await this.#app.start();
    } catch {
      this.loadError = new LxApiError('network_error', 0, 'The catalog could not be loaded.');
    }
  }

  /** Reloads the results, and the open course with its reviews. */
  async refresh(): Promise<void> {
    await this.#app?.refresh();
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    if (this.loadError) return this.renderProblem(this.loadError, () => void this.#load());
    return this.#app?.render() ?? this.renderLoading();
  }
}
