import type { CatalogKey } from '../../messages/course-catalog.js';

/** Every key of the catalog and its detail view: a translation covers them all. */
export type CatalogCopy = Record<CatalogKey, string>;
