import type { Catalog, Messages } from '../i18n.js';

/** German. Loaded on demand: only pages that show German fetch it. */
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
  'pricing.title': 'Wählen Sie Ihren Tarif',
  'pricing.billing': 'Abrechnungszeitraum',
  'pricing.monthly': 'Monatlich',
  'pricing.yearly': 'Jährlich',
  'pricing.save': '{percent} % sparen',
  'pricing.per.month': '/ Monat',
  'pricing.per.year': '/ Jahr',
  'pricing.free': 'Kostenlos',
  'pricing.recommended': 'Empfohlen',
  'pricing.choose': '{plan} wählen',
  'pricing.trial': '{days} Tage kostenlos testen',
  'pricing.empty': 'Es werden noch keine Tarife angeboten.',
} satisfies Messages & Catalog;
