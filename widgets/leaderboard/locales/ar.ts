import type { LeaderboardCopy } from './copy.js';

/** Arabic copy of the leaderboard, fetched only by Arabic pages that show it. */
export default {
  'leaderboard.signin': 'سجّل الدخول لعرض لوحة المتصدرين.',
  'leaderboard.title': 'لوحة المتصدرين',
  'leaderboard.scope': 'من',
  'leaderboard.scope.global': 'الجميع',
  'leaderboard.scope.friends': 'الأصدقاء',
  'leaderboard.scope.class': 'صفي',
  'leaderboard.window': 'متى',
  'leaderboard.window.week': 'هذا الأسبوع',
  'leaderboard.window.month': 'هذا الشهر',
  'leaderboard.window.all': 'كل الأوقات',
  'leaderboard.top': 'أفضل المتعلمين',
  'leaderboard.around': 'من حولك',
  'leaderboard.yours': 'ترتيبك',
  'leaderboard.you': '(أنت)',
  'leaderboard.anonymous': 'متعلّم',
  'leaderboard.points': '{score} نقطة',
  'leaderboard.empty': 'لا توجد نقاط بعد لهذه الفترة.',
  'leaderboard.unranked': 'اكسب رموزًا في هذه الفترة لتحصل على ترتيب.',
  'leaderboard.hidden': 'أنت مخفي عن الآخرين. أنت وحدك ترى ترتيبك.',
  'leaderboard.hide': 'إخفائي من لوحات المتصدرين',
  'leaderboard.show': 'إظهاري في لوحات المتصدرين',
} satisfies LeaderboardCopy;
