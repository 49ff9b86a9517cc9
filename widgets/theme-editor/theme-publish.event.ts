import { LxEvent } from '../internal/events.js';

export interface LxThemePublishDetail {
  /** The version now live. */
  version: number;
  /** For a rollback: the version it restored. */
  restoredVersion: number | null;
}

/** Fired when the editor published a theme or rolled back to an earlier one. */
export class LxThemePublishEvent extends LxEvent<LxThemePublishDetail> {
  constructor(detail: LxThemePublishDetail) {
    super('lx-theme-publish', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-theme-publish': LxThemePublishEvent;
  }
}
