import type { BaseKey } from '../../messages/base.js';

/** German copy of the states every widget shares, fetched only by German pages. */
export default {
  'state.loading': 'Wird geladen…',
  'state.license.title': 'Diese Funktion ist nicht verfügbar',
  'state.license.body': 'Die Liberation-Kit-Lizenz dieser Website ist ungültig.',
  'state.origin.title': 'Auf dieser Website nicht verfügbar',
  'state.origin.body': 'Diese Website darf diese Lizenz nicht verwenden.',
  'state.limit.title': 'Vorübergehend nicht verfügbar',
  'state.limit.body':
    'Dieser Dienst hat sein Nutzungslimit erreicht. Bitte versuchen Sie es später erneut.',
  'state.network.title': 'Server nicht erreichbar',
  'state.network.body': 'Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  'state.error.title': 'Etwas ist schiefgelaufen',
  'state.error.body': 'Bitte versuchen Sie es gleich noch einmal.',
  'state.reference': 'Referenz: {id}',
  'action.retry': 'Erneut versuchen',
} satisfies Record<BaseKey, string>;
