import { resourceMissing } from '../core/errors.js';
import { newId, PREFIX } from '../core/ids.js';
import { canonicalJson, type Json, type JsonObject } from '../core/json.js';
import { createdFilter, LIST_PARAMS, paginate } from '../core/list.js';
import type { Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';

export type Serializer<R> = (record: R, view: View) => JsonObject;

export interface EventRecord {
  id: string;
  type: string;
  created: number;
  request: { id: string | null; idempotency_key: string | null };
  /** Renders `data.object` (and `previous_attributes`) in the reader's API version. */
  renderData(view: View): JsonObject;
}

/** A summary of a recorded event, handed to tests through the emulator's controls. */
export interface EmulatorEvent {
  id: string;
  type: string;
  created: number;
  objectId: string | null;
}

/**
 * The account's event log. Each event keeps a snapshot of the object as it was when the event
 * happened (and before, for `previous_attributes`), so later changes never rewrite history.
 */
export class EventsService {
  readonly #events = new Map<string, EventRecord>();
  readonly #objectIds = new Map<string, string | null>();
  constructor(private readonly ctx: EmulatorContext) {}

  emit<R>(type: string, serialize: Serializer<R>, record: R, previous?: R): EventRecord {
    const snapshot = structuredClone(record);
    const before = previous === undefined ? undefined : structuredClone(previous);
    const request = this.ctx.currentRequest;
    const event: EventRecord = {
      id: newId(PREFIX.event),
      type,
      created: this.ctx.clock.seconds(),
      request: request
        ? { id: request.id, idempotency_key: request.idempotencyKey }
        : { id: null, idempotency_key: null },
      renderData: (view) => {
        const object = serialize(structuredClone(snapshot), view);
        const data: JsonObject = { object };
        if (before !== undefined) {
          data.previous_attributes = diff(serialize(structuredClone(before), view), object);
        }
        return data;
      },
    };
    this.#events.set(event.id, event);
    const objectId = (snapshot as { id?: unknown }).id;
    this.#objectIds.set(event.id, typeof objectId === 'string' ? objectId : null);
    this.ctx.webhooks.dispatch(event);
    return event;
  }

  get(id: string): EventRecord | undefined {
    return this.#events.get(id);
  }

  all(): EventRecord[] {
    return [...this.#events.values()];
  }

  summaries(): EmulatorEvent[] {
    return this.all().map((e) => ({
      id: e.id,
      type: e.type,
      created: e.created,
      objectId: this.#objectIds.get(e.id) ?? null,
    }));
  }

  render(event: EventRecord, view: View): JsonObject {
    return {
      id: event.id,
      object: 'event',
      api_version: view.apiVersion,
      created: event.created,
      data: event.renderData(view),
      livemode: false,
      pending_webhooks: this.ctx.webhooks.pendingFor(event.id),
      request: event.request,
      type: event.type,
    };
  }

  clear(): void {
    this.#events.clear();
    this.#objectIds.clear();
  }

  routes(router: Router): void {
    router.get('/v1/events/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const event = this.#events.get(id);
      if (!event) throw resourceMissing('event', id);
      return { body: this.render(event, req.view) };
    });
    router.get('/v1/events', (req) => {
      const p = req.params.allowOnly([
        ...LIST_PARAMS,
        'type',
        'types',
        'created',
        'delivery_success',
      ]);
      const type = p.string('type');
      const types = p.stringList('types');
      const inRange = createdFilter(p);
      const matchesType = (t: string): boolean => {
        if (types) return types.includes(t);
        if (!type) return true;
        // Stripe's `type` filter accepts a trailing wildcard such as `invoice.*`.
        return type.endsWith('*') ? t.startsWith(type.slice(0, -1)) : t === type;
      };
      const events = this.all()
        .reverse()
        .filter((e) => matchesType(e.type) && inRange(e.created));
      return {
        body: paginate(events, p, '/v1/events', (e) => this.render(e, req.view), 'event'),
      };
    });
  }
}

/** Top-level keys whose value changed, with their old values. */
function diff(before: JsonObject, after: JsonObject): JsonObject {
  const changed: JsonObject = {};
  for (const [key, value] of Object.entries(before)) {
    const next: Json | undefined = after[key];
    if (next === undefined || canonicalJson(value) !== canonicalJson(next)) changed[key] = value;
  }
  return changed;
}
