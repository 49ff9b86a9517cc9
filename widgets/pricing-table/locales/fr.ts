import type { PricingCopy } from './copy.js';

/** French copy of the pricing table, fetched only by French pages that show it. */
export default {
  'pricing.title': 'Choisissez votre formule',
  'pricing.billing': 'Période de facturation',
  'pricing.monthly': 'Mensuel',
  'pricing.yearly': 'Annuel',
  'pricing.save': '{percent} % d’économie',
  'pricing.per.month': '/ mois',
  'pricing.per.year': '/ an',
  'pricing.free': 'Gratuit',
  'pricing.recommended': 'Recommandé',
  'pricing.current': 'Votre formule',
  'pricing.choose': 'Choisir {plan}',
  'pricing.trial': 'Essai gratuit de {days} jours',
  'pricing.empty': 'Aucune formule n’est encore proposée.',
  'pricing.change.title': 'Passer à {plan} ?',
  'pricing.change.loading': 'Calcul du prix…',
  'pricing.change.due': 'À payer maintenant : {amount}, pour le reste de la période en cours.',
  'pricing.change.credit':
    'Rien à payer maintenant : {amount} est crédité sur vos prochaines factures.',
  'pricing.change.confirm': 'Passer à {plan}',
  'pricing.change.keep': 'Garder ma formule',
  'pricing.change.done': 'Vous êtes maintenant sur {plan}.',
  'pricing.change.failed': 'Rien n’a été modifié : {message}',
  'pricing.cancel.title': 'Passer à {plan} ?',
  'pricing.cancel.body':
    'Votre formule {current} est résiliée à la fin de sa période : vous la gardez jusqu’au {date}.',
  'pricing.cancel.confirm': 'Résilier {current} en fin de période',
  'pricing.cancel.done': 'Votre formule {current} prend fin le {date}.',
  'pricing.resume.body':
    'Votre formule {current} prend fin le {date}. Reprenez-la pour la garder après cette date.',
  'pricing.resume.confirm': 'Reprendre {current}',
  'pricing.resume.done': 'Votre formule {current} continue.',
  'pricing.change.close': 'Fermer',
} satisfies PricingCopy;
