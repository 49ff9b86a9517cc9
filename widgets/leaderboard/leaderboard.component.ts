import type { PropertyValues, TemplateResult } from 'lit';
import type {
  LeaderboardPage,
  LeaderboardScope,
  LeaderboardWindow,
} from '../../server/modules/rewards/contract.js';
import { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import { addEnglish, type Translations } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { leaderboardMessages } from '../messages/leaderboard.js';
import type * as View from './leaderboard-view.js';

addEnglish(leaderboardMessages);

/**
 * @tagname lx-leaderboard
 * @summary Learner rankings by scope (everyone, friends, class) and window (week, month, all time).
 *
 * @event lx-error - The widget cannot work (license, origin, limit, network). `detail` is `{ code, status, message }`.
 *
 * @csspart base - The wrapper around the board.
 * @csspart entry - One learner's row.
 * @csspart me - The signed-in learner's row.
 * @csspart state - A loading, empty, signed-out or error state.
 *
 * @cssproperty --lx-leaderboard-avatar-size - Diameter of the initials avatar (2rem).
 */
export class LxLeaderboard extends LxElement {
  static override translations: Translations = {
    ar: () => import('./locales/ar.js'),
    de: () => import('./locales/de.js'),
    fr: () => import('./locales/fr.js'),
  };

  static override properties = {
    ...LxElement.properties,
    scope: { reflect: true },
    window: { reflect: true },
    limit: { type: Number },
    around: { type: Number },
    refreshInterval: { type: Number, attribute: 'refresh-interval' },
    board: { state: true },
    loadError: { state: true },
  };

  /** Whose ranks: everyone in the license, the learner's friends, or their class. */
  declare scope: LeaderboardScope;
  /** Which period: this week, this month or all time (in the license's time zone). */
  declare window: LeaderboardWindow;
  /** How many top learners to list. */
  declare limit: number;
  /** How many learners above and below the signed-in one to show when they are off the top list. */
  declare around: number;
  /** Seconds between refreshes while the page is visible; 0 turns refreshing off. */
  declare refreshInterval: number;
  declare private board: LeaderboardPage | undefined;
  declare private loadError: LxApiError | undefined;
  #view: typeof View | undefined;

  #timer: ReturnType<typeof setInterval> | undefined;
  #request = 0;
  readonly #onVisibility = () => {
    if (document.visibilityState === 'visible') void this.refresh();
  };

  constructor() {
    super();
    this.scope = 'global';
    this.window = 'week';
    this.limit = 10;
    this.around = 2;
    this.refreshInterval = 60;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#schedule();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibility);
    clearInterval(this.#timer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('refreshInterval') && this.isConnected) this.#schedule();
    if ((changed.has('scope') || changed.has('window')) && this.config) void this.refresh();
  }

  #schedule(): void {
    clearInterval(this.#timer);
    if (this.refreshInterval > 0) {
      this.#timer = setInterval(() => {
        if (document.visibilityState === 'visible' && this.config) void this.refresh();
      }, this.refreshInterval * 1000);
    }
  }

  protected override configReady(_config: EmbedConfig): void {
    if (!this.board && this.signedIn) void this.refresh();
  }

  /** Fetches the board for the current scope and window. */
  async refresh(): Promise<void> {
    if (!this.signedIn) return;
    const request = ++this.#request;
    try {
      const [view, board] = await Promise.all([
        this.#view ??
          import('./leaderboard-view.js').catch(() => {
            throw new LxApiError('network_error', 0, 'The leaderboard could not be loaded.');
          }),
        this.client.get<LeaderboardPage>('v1/rewards/leaderboard', {
          query: { scope: this.scope, window: this.window, limit: this.limit, around: this.around },
        }),
      ]);
      // A slower answer for an earlier tab must not overwrite the current one.
      if (request !== this.#request) return;
      this.#view = view;
      adoptStyles(this, view.leaderboardViewStyles);
      this.board = board;
      this.loadError = undefined;
    } catch (error) {
      if (request !== this.#request) return;
      this.loadError = error as LxApiError;
      this.reportError(this.loadError);
    }
  }

  async #setOptOut(optedOut: boolean): Promise<void> {
    try {
      await this.client.request('PUT', 'v1/rewards/leaderboard/opt-out', { body: { optedOut } });
      await this.refresh();
    } catch (error) {
      this.loadError = error as LxApiError;
    }
  }

  #choose(event: Event): void {
    const input = event.target as HTMLInputElement;
    if (input.name === 'scope') this.scope = input.value as LeaderboardScope;
    else this.window = input.value as LeaderboardWindow;
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    if (!this.signedIn) {
      return this.renderStatus(this.msg('leaderboard.signin'));
    }
    if (this.loadError) return this.renderProblem(this.loadError, () => void this.refresh());
    if (!this.board || !this.#view) return this.renderLoading();
    return this.#view.renderBoard({
      board: this.board,
      scope: this.scope,
      window: this.window,
      locale: this.resolvedLocale,
      t: this.msg,
      onChoose: (e) => this.#choose(e),
      onOptOut: (optedOut) => void this.#setOptOut(optedOut),
    });
  }
}
