/** English copy of the wallet’s view (balance, rewards, history), loaded with the view. */
export const walletViewMessages = {
  'wallet.title': 'Your tokens',
  'wallet.tokens': 'tokens',
  'wallet.expiring': '{amount} expire on {date}.',
  'wallet.rewards': 'Rewards',
  'wallet.rewards.empty': 'No rewards are offered yet.',
  'wallet.stock': '{count} left',
  'wallet.redeem': 'Redeem',
  'wallet.redeem.label': 'Redeem {title}',
  'wallet.redemptions': 'Your redemptions',
  'wallet.until': 'unlocked until {date}',
  'wallet.status.requested': 'Requested',
  'wallet.status.fulfilled': 'Fulfilled',
  'wallet.status.rejected': 'Rejected, tokens returned',
  'wallet.status.canceled': 'Canceled, tokens returned',
  'wallet.history': 'History',
  'wallet.filter': 'Show',
  'wallet.type.all': 'All',
  'wallet.type.earn': 'Earned',
  'wallet.type.bonus': 'Bonus',
  'wallet.type.spend': 'Spent',
  'wallet.type.reversal': 'Reversed',
  'wallet.type.expire': 'Expired',
  'wallet.empty': 'No transactions yet.',
  'wallet.more': 'Show more',
} as const;

export type WalletViewKey = keyof typeof walletViewMessages;
