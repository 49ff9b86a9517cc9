import type { BaseKey } from '../../messages/base.js';

/** Arabic (right to left) copy of the states every widget shares, fetched only by Arabic pages. */
export default {
  'state.loading': 'جارٍ التحميل…',
  'state.license.title': 'هذه الميزة غير متاحة',
  'state.license.body': 'ترخيص Liberation Kit لهذا الموقع غير صالح.',
  'state.origin.title': 'غير متاح على هذا الموقع',
  'state.origin.body': 'لا يُسمح لهذا الموقع باستخدام هذا الترخيص.',
  'state.limit.title': 'غير متاح مؤقتًا',
  'state.limit.body': 'بلغت هذه الخدمة حد الاستخدام. يُرجى المحاولة لاحقًا.',
  'state.network.title': 'تعذّر الوصول إلى الخادم',
  'state.network.body': 'تحقّق من اتصالك وحاول مرة أخرى.',
  'state.error.title': 'حدث خطأ ما',
  'state.error.body': 'يُرجى المحاولة بعد قليل.',
  'state.reference': 'المرجع: {id}',
  'action.retry': 'إعادة المحاولة',
} satisfies Record<BaseKey, string>;
