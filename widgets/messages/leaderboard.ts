/** English copy the leaderboard shows before its view has loaded. */
export const leaderboardMessages = {
  'leaderboard.signin': 'Sign in to see the leaderboard.',
} as const;

export type LeaderboardKey = keyof typeof leaderboardMessages;
