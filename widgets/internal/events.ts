/**
 * Base class for every event a widget dispatches: prefixed kebab-case names, bubbling and
 * composed so hosts can listen on any ancestor, with a typed `detail`.
 */
export class LxEvent<T> extends CustomEvent<T> {
  constructor(type: `lx-${string}`, detail: T, options: { cancelable?: boolean } = {}) {
    super(type, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false });
  }
}

export interface LxErrorDetail {
  code: string;
  status: number;
  message: string;
  requestId?: string;
}

/** Fired when a widget cannot do its job (license refused, server unreachable, …). */
export class LxErrorEvent extends LxEvent<LxErrorDetail> {
  constructor(detail: LxErrorDetail) {
    super('lx-error', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-error': LxErrorEvent;
  }
}
