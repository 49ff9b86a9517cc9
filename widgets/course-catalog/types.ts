import type { TemplateResult } from 'lit';
import type { ApiClient, LxApiError } from '../internal/api-client.js';
import type { Translate } from '../internal/i18n.js';

/* What the catalog reads from the marketplace API (`/v1/courses…`). */

export interface Money {
  /** Integer minor units; 0 means free. */
  amount: number;
  currency: string;
}

export interface CourseCard {
  id: string;
  title: string;
  subtitle: string;
  instructor: { id: string; name: string };
  category: string;
  level: string;
  language: string;
  tags: string[];
  price: Money;
  /** A path on the API origin, or null when the course has no cover. */
  coverUrl: string | null;
  rating: { average: number | null; count: number };
  enrolled: boolean;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface Facets {
  category: FacetValue[];
  level: FacetValue[];
  language: FacetValue[];
  price: { free: number; paid: number };
}

export interface CoursePage {
  items: CourseCard[];
  nextCursor: string | null;
  total: number;
  facets: Facets;
}

export interface Inline {
  text: string;
  strong?: boolean;
  em?: boolean;
  code?: boolean;
  href?: string;
}

export type Block =
  | { type: 'paragraph'; inline: Inline[] }
  | { type: 'heading'; level: 2 | 3; inline: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] };

export interface Material {
  id: string;
  title: string;
  kind: string;
  sizeBytes: number;
}

export interface CourseDetail extends CourseCard {
  description: { format: string; blocks: Block[] };
  materials: Material[];
  createdAt: string;
}

export interface Review {
  id: string;
  rating: number;
  text: string;
  author: { displayName: string };
  createdAt: string;
  updatedAt: string;
  mine: boolean;
}

export interface ReviewPage {
  items: Review[];
  nextCursor: string | null;
  summary: { average: number | null; count: number; distribution: Record<string, number> };
}

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
