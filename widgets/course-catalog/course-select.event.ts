import { LxEvent } from '../internal/events.js';

export interface LxCourseSelectDetail {
  courseId: string;
  title: string;
  /** Integer minor units (0 for a free course) and the ISO currency. */
  price: { amount: number; currency: string };
}

/**
 * Fired when a learner asks to buy or enroll in a course. Cancelable: a host that handles
 * the purchase itself, or needs the learner to sign in first, calls `preventDefault()` and
 * the catalog does nothing further.
 */
export class LxCourseSelectEvent extends LxEvent<LxCourseSelectDetail> {
  constructor(detail: LxCourseSelectDetail) {
    super('lx-course-select', detail, { cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-course-select': LxCourseSelectEvent;
  }
}
