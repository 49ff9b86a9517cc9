import type { TokenSource } from '../internal/api-client.js';
import type { LxElement } from '../internal/base-element.js';
import { defineElement } from '../internal/define.js';
import type { Theme } from '../../themes/tokens.js';

// Widened to what customElements needs: the classes are concrete widgets, never LxElement.
type WidgetClass = new () => HTMLElement;

interface PreviewWidget {
  name: string;
  /** Needs a signed-in learner (the editor's own token shows the admin's data). */
  learner: boolean;
  load(): Promise<WidgetClass>;
}

/**
 * The widgets the editor previews. Each is the real widget, registered under a private tag
 * derived from the editor's own (a subclass, since one constructor cannot hold two tags), so
 * the preview never collides with the page's widgets or another copy of the kit.
 */
const widgets: PreviewWidget[] = [
  {
    name: 'pricing-table',
    learner: false,
    load: () => import('../pricing-table/pricing-table.js').then((m) => m.LxPricingTable),
  },
  {
    name: 'token-wallet',
    learner: true,
    load: () => import('../token-wallet/token-wallet.js').then((m) => m.LxTokenWallet),
  },
  {
    name: 'leaderboard',
    learner: true,
    load: () => import('../leaderboard/leaderboard.js').then((m) => m.LxLeaderboard),
  },
];

export interface PreviewSettings {
  api: string;
  license: string;
  token: TokenSource;
  locale: string;
  theme: Theme;
}

export class Preview {
  readonly elements: LxElement[] = [];
  #loading: Promise<void> | undefined;

  constructor(
    readonly tag: string,
    readonly onReady: () => void,
  ) {}

  /** Loads and creates the preview widgets once; later calls are free. */
  ensure(): void {
    if (this.#loading) return;
    this.#loading = Promise.all(
      widgets.map(async (widget) => {
        const Base = await widget.load();
        const tag = `${this.tag}-${widget.name}`;
        const Own = customElements.get(tag) ?? class extends Base {};
        defineElement(tag, Own);
        const element = document.createElement(tag) as LxElement;
        element.dataset.widget = widget.name;
        if (widget.learner) element.dataset.learner = '';
        return element;
      }),
    ).then((elements) => {
      this.elements.push(...elements);
      this.onReady();
    });
  }

  /** Points every preview widget at the license, the language and the theme being edited. */
  apply(settings: PreviewSettings): void {
    for (const element of this.elements) {
      element.api = settings.api;
      element.license = settings.license;
      element.locale = settings.locale;
      element.theme = settings.theme;
      if (element.dataset.learner !== undefined) {
        if (typeof settings.token === 'function') element.tokenProvider = settings.token;
        else element.userToken = settings.token;
      }
    }
  }
}
