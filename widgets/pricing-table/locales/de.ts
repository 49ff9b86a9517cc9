import type { PricingCopy } from './copy.js';

/** German copy of the pricing table, fetched only by German pages that show it. */
export default {
  'pricing.title': 'Wählen Sie Ihren Tarif',
  'pricing.billing': 'Abrechnungszeitraum',
  'pricing.monthly': 'Monatlich',
  'pricing.yearly': 'Jährlich',
  'pricing.save': '{percent} % sparen',
  'pricing.per.month': '/ Monat',
  'pricing.per.year': '/ Jahr',
  'pricing.free': 'Kostenlos',
  'pricing.recommended': 'Empfohlen',
  'pricing.current': 'Ihr Tarif',
  'pricing.choose': '{plan} wählen',
  'pricing.trial': '{days} Tage kostenlos testen',
  'pricing.empty': 'Es werden noch keine Tarife angeboten.',
  'pricing.change.title': 'Zu {plan} wechseln?',
  'pricing.change.loading': 'Preis wird berechnet…',
  'pricing.change.due': 'Jetzt fällig: {amount} für den Rest des laufenden Zeitraums.',
  'pricing.change.credit':
    'Jetzt nichts zu zahlen: {amount} wird Ihren nächsten Rechnungen gutgeschrieben.',
  'pricing.change.confirm': 'Zu {plan} wechseln',
  'pricing.change.keep': 'Meinen Tarif behalten',
  'pricing.change.done': 'Sie sind jetzt im Tarif {plan}.',
  'pricing.change.failed': 'Nichts wurde geändert: {message}',
  'pricing.cancel.title': 'Zu {plan} wechseln?',
  'pricing.cancel.body':
    'Ihr Tarif {current} endet mit Ablauf des Zeitraums: Sie behalten ihn bis {date}.',
  'pricing.cancel.confirm': '{current} zum Ende des Zeitraums kündigen',
  'pricing.cancel.done': 'Ihr Tarif {current} endet am {date}.',
  'pricing.resume.body':
    'Ihr Tarif {current} endet am {date}. Setzen Sie ihn fort, um ihn danach zu behalten.',
  'pricing.resume.confirm': '{current} fortsetzen',
  'pricing.resume.done': 'Ihr Tarif {current} läuft weiter.',
  'pricing.change.close': 'Schließen',
} satisfies PricingCopy;
