import { WebhookDeliveries } from './deliveries.js';
import { WebhookEndpoints } from './endpoints.js';
import { WebhookWorker, type WorkerOptions } from './worker.js';

/**
 * Partner webhooks as the rest of the server sees them: the customer's endpoints, the delivery
 * log, and the worker that sends what the outbox holds (started and stopped by start.ts).
 */
export class WebhookService {
  readonly endpoints: WebhookEndpoints;
  readonly deliveries: WebhookDeliveries;
  readonly worker: WebhookWorker;

  constructor(options: WorkerOptions) {
    this.endpoints = new WebhookEndpoints(options);
    this.deliveries = new WebhookDeliveries(options);
    this.worker = new WebhookWorker(options);
  }

  /** Starts the worker: a round every `pollIntervalMs` until {@link stop}. */
  start(): void {
    this.worker.start();
  }

  /** Stops the worker and waits for a round in progress to finish recording. */
  stop(): Promise<void> {
    return this.worker.stop();
  }
}
