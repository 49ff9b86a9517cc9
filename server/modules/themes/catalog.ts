import { messageCatalog as widgetMessages } from '../../../widgets/messages/index.js';

/**
 * Every English message any widget shows, by key. A license's white-label copy may override
 * only these keys, with only the placeholders the English text uses. The widgets keep their
 * English in data-only modules under widgets/messages/, so reading it never loads Lit into the
 * server. A test (tests/themes/catalog.test.ts) fails when a widget adds a catalog that is
 * missing here.
 */
export const messageCatalog: Readonly<Record<string, string>> = widgetMessages;
