import { defineElement } from '../internal/define.js';
import { configureKit, type KitSettings } from '../internal/kit.js';
import { LxTokenWallet } from './token-wallet.component.js';

export { LxTokenWallet };
export { LxRedeemEvent, type LxRedeemDetail } from './redeem.event.js';

/** Registers `<lx-token-wallet>` (or another tag) and applies page-wide kit settings. */
export function register(options: KitSettings & { tag?: string } = {}): boolean {
  configureKit(options);
  return defineElement(options.tag ?? 'lx-token-wallet', LxTokenWallet);
}
