import type { BaseKey } from '../../messages/base.js';

/** French copy of the states every widget shares, fetched only by French pages. */
export default {
  'state.loading': 'Chargement…',
  'state.license.title': 'Cette fonctionnalité est indisponible',
  'state.license.body': 'La licence Liberation Kit de ce site n’est pas valide.',
  'state.origin.title': 'Indisponible sur ce site',
  'state.origin.body': 'Ce site n’est pas autorisé à utiliser cette licence.',
  'state.limit.title': 'Momentanément indisponible',
  'state.limit.body': 'Ce service a atteint sa limite d’utilisation. Veuillez réessayer plus tard.',
  'state.network.title': 'Impossible de joindre le serveur',
  'state.network.body': 'Vérifiez votre connexion et réessayez.',
  'state.error.title': 'Une erreur est survenue',
  'state.error.body': 'Veuillez réessayer dans un instant.',
  'state.reference': 'Référence : {id}',
  'action.retry': 'Réessayer',
} satisfies Record<BaseKey, string>;
