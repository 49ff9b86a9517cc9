import type { LeaderboardViewKey } from '../../messages/leaderboard-view.js';
import type { LeaderboardKey } from '../../messages/leaderboard.js';

/** Every key of the leaderboard and its view: a translation covers them all. */
export type LeaderboardCopy = Record<LeaderboardKey | LeaderboardViewKey, string>;
