/** English copy of the leaderboard’s board, loaded with its view. */
export const leaderboardViewMessages = {
  'leaderboard.title': 'Leaderboard',
  'leaderboard.scope': 'Who',
  'leaderboard.scope.global': 'Everyone',
  'leaderboard.scope.friends': 'Friends',
  'leaderboard.scope.class': 'My class',
  'leaderboard.window': 'When',
  'leaderboard.window.week': 'This week',
  'leaderboard.window.month': 'This month',
  'leaderboard.window.all': 'All time',
  'leaderboard.top': 'Top learners',
  'leaderboard.around': 'Around you',
  'leaderboard.yours': 'Your rank',
  'leaderboard.you': '(you)',
  'leaderboard.anonymous': 'A learner',
  'leaderboard.points': '{score} pts',
  'leaderboard.empty': 'No scores yet for this period.',
  'leaderboard.unranked': 'Earn tokens in this period to get a rank.',
  'leaderboard.hidden': 'You are hidden from others. Only you see your rank.',
  'leaderboard.hide': 'Hide me from leaderboards',
  'leaderboard.show': 'Show me on leaderboards',
} as const;

export type LeaderboardViewKey = keyof typeof leaderboardViewMessages;
