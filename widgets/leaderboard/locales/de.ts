import type { LeaderboardCopy } from './copy.js';

/** German copy of the leaderboard, fetched only by German pages that show it. */
export default {
  'leaderboard.signin': 'Melden Sie sich an, um die Rangliste zu sehen.',
  'leaderboard.title': 'Rangliste',
  'leaderboard.scope': 'Wer',
  'leaderboard.scope.global': 'Alle',
  'leaderboard.scope.friends': 'Freunde',
  'leaderboard.scope.class': 'Meine Klasse',
  'leaderboard.window': 'Wann',
  'leaderboard.window.week': 'Diese Woche',
  'leaderboard.window.month': 'Diesen Monat',
  'leaderboard.window.all': 'Gesamt',
  'leaderboard.top': 'Die Besten',
  'leaderboard.around': 'Um Sie herum',
  'leaderboard.yours': 'Ihr Rang',
  'leaderboard.you': '(Sie)',
  'leaderboard.anonymous': 'Ein Lernender',
  'leaderboard.points': '{score} Pkt.',
  'leaderboard.empty': 'Für diesen Zeitraum gibt es noch keine Punkte.',
  'leaderboard.unranked': 'Verdienen Sie in diesem Zeitraum Tokens, um einen Rang zu erhalten.',
  'leaderboard.hidden': 'Sie sind für andere ausgeblendet. Nur Sie sehen Ihren Rang.',
  'leaderboard.hide': 'Mich in Ranglisten ausblenden',
  'leaderboard.show': 'Mich in Ranglisten zeigen',
} satisfies LeaderboardCopy;
