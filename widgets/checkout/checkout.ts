import { defineElement } from '../internal/define.js';
import { configureKit, type KitSettings } from '../internal/kit.js';
import { LxCheckout } from './checkout.component.js';

export { LxCheckout };
export {
  LxCheckoutCompleteEvent,
  type LxCheckoutCompleteDetail,
} from './checkout-complete.event.js';
export { LxCheckoutErrorEvent, type LxCheckoutErrorDetail } from './checkout-error.event.js';
export { LxCheckoutCloseEvent } from './checkout-close.event.js';

/** Registers `<lx-checkout>` (or another tag) and applies page-wide kit settings. */
export function register(options: KitSettings & { tag?: string } = {}): boolean {
  configureKit(options);
  return defineElement(options.tag ?? 'lx-checkout', LxCheckout);
}
