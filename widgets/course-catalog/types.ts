import type {
  CourseCard,
  CourseDetail,
  DescriptionBlock,
  DescriptionInline,
  FacetCount,
  Facets,
  MaterialSummary,
  Price,
  Review,
  ReviewPage,
  SearchPage,
} from '../../server/modules/marketplace/contract.js';
import type { TemplateResult } from 'lit';
import type { ApiClient, LxApiError } from '../internal/api-client.js';
import type { Translate } from '../internal/i18n.js';

/* What the catalog reads from the marketplace API (`/v1/courses…`), as its contract declares it. */

export type {
  CourseCard,
  CourseDetail,
  Facets,
  FacetCount as FacetValue,
  SearchPage as CoursePage,
  DescriptionBlock as Block,
  DescriptionInline as Inline,
  MaterialSummary as Material,
  Price as Money,
  Review,
  ReviewPage,
};

export interface CatalogElement extends HTMLElement {
  category: string | undefined;
  pageSize: number;
  courseId: string | undefined;
  infinite: boolean;
  locale?: string | undefined;
  userToken?: string | undefined;
  tokenProvider?: unknown;
  requestUpdate(): void;
  readonly updateComplete: Promise<boolean>;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** What the element lends its lazily loaded views: its client, locale, copy and states. */
export interface CatalogHost {
  readonly element: CatalogElement;
  client(): ApiClient;
  api(): string;
  locale(): string;
  currency(): string;
  readonly t: Translate;
  signedIn(): boolean;
  report(error: LxApiError): void;
  problem(error: LxApiError, retry: () => void): TemplateResult;
  loading(): TemplateResult;
}
