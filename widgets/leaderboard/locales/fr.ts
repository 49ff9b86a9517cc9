import type { LeaderboardCopy } from './copy.js';

/** French copy of the leaderboard, fetched only by French pages that show it. */
export default {
  'leaderboard.signin': 'Connectez-vous pour voir le classement.',
  'leaderboard.title': 'Classement',
  'leaderboard.scope': 'Qui',
  'leaderboard.scope.global': 'Tout le monde',
  'leaderboard.scope.friends': 'Amis',
  'leaderboard.scope.class': 'Ma classe',
  'leaderboard.window': 'Quand',
  'leaderboard.window.week': 'Cette semaine',
  'leaderboard.window.month': 'Ce mois-ci',
  'leaderboard.window.all': 'Depuis le début',
  'leaderboard.top': 'Meilleurs apprenants',
  'leaderboard.around': 'Autour de vous',
  'leaderboard.yours': 'Votre rang',
  'leaderboard.you': '(vous)',
  'leaderboard.anonymous': 'Un apprenant',
  'leaderboard.points': '{score} pts',
  'leaderboard.empty': 'Pas encore de score pour cette période.',
  'leaderboard.unranked': 'Gagnez des jetons pendant cette période pour obtenir un rang.',
  'leaderboard.hidden': 'Vous êtes masqué pour les autres. Vous seul voyez votre rang.',
  'leaderboard.hide': 'Me masquer des classements',
  'leaderboard.show': 'M’afficher dans les classements',
} satisfies LeaderboardCopy;
