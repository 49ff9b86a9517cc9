import { html, nothing, type TemplateResult } from 'lit';
import type {
  LeaderboardEntry,
  LeaderboardPage,
  LeaderboardScope,
  LeaderboardWindow,
} from '../../server/modules/rewards/contract.js';
import { addEnglish, formatNumber, type MessageKey, type Translate } from '../internal/i18n.js';
import { leaderboardViewMessages } from '../messages/leaderboard-view.js';

export { leaderboardViewStyles } from './leaderboard-view.styles.js';

/*
 * What the leaderboard shows once a board is in: the tabs, the lists and the opt-out. The
 * element fetches this chunk in parallel with its first request, so the page's first download
 * stays as small as the kit's other widgets.
 */

addEnglish(leaderboardViewMessages);

const SCOPES: LeaderboardScope[] = ['global', 'friends', 'class'];
const WINDOWS: LeaderboardWindow[] = ['week', 'month', 'all'];

/** Up to two initials, by code point so names in any script work. */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = [...(words[0] ?? '?')][0] ?? '?';
  const last = words.length > 1 ? ([...words.at(-1)!][0] ?? '') : '';
  return (first + last).toUpperCase();
}

export interface BoardView {
  board: LeaderboardPage;
  scope: LeaderboardScope;
  window: LeaderboardWindow;
  locale: string;
  t: Translate;
  onChoose: (event: Event) => void;
  onOptOut: (optedOut: boolean) => void;
}

function group(o: BoardView, name: 'scope' | 'window', values: string[], current: string) {
  return html`<fieldset @change=${o.onChoose}>
    <legend class="visually-hidden">${o.t(`leaderboard.${name}`)}</legend>
    ${values.map(
      (v) =>
        html`<label
          ><input type="radio" name=${name} value=${v} .checked=${current === v} />${o.t(
            `leaderboard.${name}.${v}` as MessageKey,
          )}</label
        >`,
    )}
  </fieldset>`;
}

function list(o: BoardView, label: string, entries: LeaderboardEntry[]): TemplateResult {
  return html`<ol aria-label=${label}>
    ${entries.map((entry) => {
      const name = entry.displayName ?? o.t('leaderboard.anonymous');
      return html`<li
        part=${entry.me ? 'entry me' : 'entry'}
        aria-current=${entry.me ? 'true' : nothing}
      >
        <span class="rank">${entry.rank}</span>
        <span class="avatar" aria-hidden="true">${initials(name)}</span>
        <span class="name"
          >${name}${
            entry.me
              ? html` <span class="visually-hidden">${o.t('leaderboard.you')}</span>`
              : nothing
          }</span
        >
        <span>${o.t('leaderboard.points', { score: formatNumber(entry.score, o.locale) })}</span>
      </li>`;
    })}
  </ol>`;
}

export function renderBoard(o: BoardView): TemplateResult {
  const { board, t } = o;
  const { me } = board;
  const meListed = board.entries.some((e) => e.me);
  const showAround = !meListed && board.around.length > 0;
  const myRow: LeaderboardEntry | undefined =
    !meListed && !showAround && me.rank !== null
      ? { rank: me.rank, displayName: me.displayName, score: me.score, me: true }
      : undefined;
  return html`<section part="base" aria-labelledby="lb-title">
    <div class="row">
      <h2 id="lb-title">${t('leaderboard.title')}</h2>
      <div class="tabs">
        ${group(o, 'scope', SCOPES, o.scope)} ${group(o, 'window', WINDOWS, o.window)}
      </div>
    </div>
    ${
      board.entries.length === 0
        ? html`<div part="state" class="state" role="status">
            <p>${t('leaderboard.empty')}</p>
          </div>`
        : list(o, t('leaderboard.top'), board.entries)
    }
    ${
      showAround
        ? html`<h3>${t('leaderboard.around')}</h3>
            ${list(o, t('leaderboard.around'), board.around)}`
        : nothing
    }
    ${
      myRow
        ? html`<h3>${t('leaderboard.yours')}</h3>
            ${list(o, t('leaderboard.yours'), [myRow])}`
        : nothing
    }
    <div class="row">
      <p role="status">
        ${
          me.optedOut
            ? t('leaderboard.hidden')
            : me.rank === null
              ? t('leaderboard.unranked')
              : nothing
        }
      </p>
      <button class="secondary" @click=${() => o.onOptOut(!me.optedOut)}>
        ${t(me.optedOut ? 'leaderboard.show' : 'leaderboard.hide')}
      </button>
    </div>
  </section>`;
}
