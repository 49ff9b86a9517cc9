import type { RedeemKey } from '../../messages/redeem-flow.js';
import type { WalletKey } from '../../messages/token-wallet.js';
import type { WalletViewKey } from '../../messages/wallet-view.js';

/** Every key of the wallet, its view and its redemption step: a translation covers them all. */
export type WalletCopy = Record<WalletKey | WalletViewKey | RedeemKey, string>;
