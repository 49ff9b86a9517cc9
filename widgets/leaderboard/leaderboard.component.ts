import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type {
  LeaderboardEntry,
  LeaderboardPage,
  LeaderboardScope,
} from '../../server/modules/rewards/leaderboard.js';
import type { LeaderboardWindow } from '../../server/modules/rewards/periods.js';
import type { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import { leaderboardMessages, type LeaderboardKey } from './leaderboard.messages.js';
import { leaderboardStyles } from './leaderboard.styles.js';

const SCOPES: LeaderboardScope[] = ['global', 'friends', 'class'];
const WINDOWS: LeaderboardWindow[] = ['week', 'month', 'all'];

/** Up to two initials, by grapheme-agnostic code points so names in any script work. */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = [...(words[0] ?? '?')][0] ?? '?';
  const last = words.length > 1 ? ([...words.at(-1)!][0] ?? '') : '';
  return (first + last).toUpperCase();
}
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
  static override styles = [...LxElement.styles, leaderboardStyles];

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
  /** Copy for `key`: the locale's or the license's wording when it has one, else English. */
  #t(key: LeaderboardKey, vars: Record<string, string | number> = {}): string {
    const own = (this.messages as Record<string, string | undefined>)[key];
    return (own ?? leaderboardMessages[key]).replace(/\{(\w+)\}/g, (_, name: string) =>
      String(vars[name] ?? ''),
    );
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

  get #signedIn(): boolean {
    return !!(this.userToken || this.tokenProvider);
  }

  protected override configReady(_config: EmbedConfig): void {
    if (!this.board && this.#signedIn) void this.refresh();
  }

  /** Fetches the board for the current scope and window. */
  async refresh(): Promise<void> {
    if (!this.#signedIn) return;
    const request = ++this.#request;
    try {
      const board = await this.client.get<LeaderboardPage>('v1/rewards/leaderboard', {
        query: { scope: this.scope, window: this.window, limit: this.limit, around: this.around },
      });
      // A slower answer for an earlier tab must not overwrite the current one.
      if (request !== this.#request) return;
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

  #group(name: 'scope' | 'window', values: string[], current: string): TemplateResult {
    return html`<fieldset @change=${this.#choose}>
      <legend class="visually-hidden">${this.#t(`leaderboard.${name}`)}</legend>
      ${values.map(
        (v) =>
          html`<label
            ><input type="radio" name=${name} value=${v} .checked=${current === v} />${this.#t(
              `leaderboard.${name}.${v}` as LeaderboardKey,
            )}</label
          >`,
      )}
    </fieldset>`;
  }

  #row(entry: LeaderboardEntry): TemplateResult {
    const score = new Intl.NumberFormat(this.resolvedLocale).format(entry.score);
    const name = entry.displayName ?? this.#t('leaderboard.anonymous');
    return html`<li
      part=${entry.me ? 'entry me' : 'entry'}
      aria-current=${entry.me ? 'true' : nothing}
    >
      <span class="rank">${entry.rank}</span>
      <span class="avatar" aria-hidden="true">${initials(name)}</span>
      <span class="name"
        >${name}${
          entry.me
            ? html` <span class="visually-hidden">${this.#t('leaderboard.you')}</span>`
            : nothing
        }</span
      >
      <span>${this.#t('leaderboard.points', { score })}</span>
    </li>`;
  }

  #list(label: string, entries: LeaderboardEntry[]): TemplateResult {
    return html`<ol aria-label=${label}>
      ${entries.map((e) => this.#row(e))}
    </ol>`;
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    if (!this.#signedIn) {
      return html`<div part="base state" class="state" role="status">
        <p>${this.#t('leaderboard.signin')}</p>
      </div>`;
    }
    if (this.loadError) return this.renderProblem(this.loadError, () => void this.refresh());
    const board = this.board;
    if (!board) return this.renderLoading();
    const { me } = board;
    const meListed = board.entries.some((e) => e.me);
    const showAround = !meListed && board.around.length > 0;
    const myRow: LeaderboardEntry | undefined =
      !meListed && !showAround && me.rank !== null
        ? { rank: me.rank, displayName: me.displayName, score: me.score, me: true }
        : undefined;
    return html`<section part="base" aria-labelledby="lb-title">
      <div class="row">
        <h2 id="lb-title">${this.#t('leaderboard.title')}</h2>
        <div class="tabs">
          ${this.#group('scope', SCOPES, this.scope)} ${this.#group('window', WINDOWS, this.window)}
        </div>
      </div>
      ${
        board.entries.length === 0
          ? html`<div part="state" class="state" role="status">
              <p>${this.#t('leaderboard.empty')}</p>
            </div>`
          : this.#list(this.#t('leaderboard.top'), board.entries)
      }
      ${
        showAround
          ? html`<h3 id="lb-around">${this.#t('leaderboard.around')}</h3>
              ${this.#list(this.#t('leaderboard.around'), board.around)}`
          : nothing
      }
      ${
        myRow
          ? html`<h3>${this.#t('leaderboard.yours')}</h3>
              ${this.#list(this.#t('leaderboard.yours'), [myRow])}`
          : nothing
      }
      <div class="row">
        <p role="status">
          ${
            me.optedOut
              ? this.#t('leaderboard.hidden')
              : me.rank === null
                ? this.#t('leaderboard.unranked')
                : nothing
          }
        </p>
        <button class="secondary" @click=${() => void this.#setOptOut(!me.optedOut)}>
          ${this.#t(me.optedOut ? 'leaderboard.show' : 'leaderboard.hide')}
        </button>
      </div>
    </section>`;
  }
}
