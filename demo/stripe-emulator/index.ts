export { createStripeEmulator } from './emulator.js';
export type { StripeEmulator, StripeEmulatorOptions, StripeEmulatorWebhooks } from './emulator.js';
export type { AnswerDelayRule, DelayedAnswers } from './core/answer-delays.js';
export type { Clock } from './core/clock.js';
export type {
  AdvanceOptions,
  AdvanceReport,
  BillingSettings,
  RenewalOutcome,
} from './resources/billing.js';
export type { EmulatorEvent } from './resources/events.js';
export type {
  DeliveryAttempt,
  DeliveryChaos,
  DeliverySettings,
  WebhookEndpointConfig,
} from './webhooks/delivery.js';
export { signPayload } from './webhooks/signature.js';
export { DEFAULT_API_VERSION } from './core/version.js';
