// Copy only: kept apart from the view so the server can list it without loading Lit.
/** English copy of the view; a locale catalog or the license's copy overrides any key. */
export const viewMessages = {
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
