/** English copy the wallet shows before its view has loaded. */
export const walletMessages = {
  'wallet.signin': 'Sign in to see your tokens.',
} as const;

export type WalletKey = keyof typeof walletMessages;
