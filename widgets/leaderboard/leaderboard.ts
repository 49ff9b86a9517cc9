import { defineElement } from '../internal/define.js';
import { configureKit, type KitSettings } from '../internal/kit.js';
import { LxLeaderboard } from './leaderboard.component.js';

export { LxLeaderboard };

/** Registers `<lx-leaderboard>` (or another tag) and applies page-wide kit settings. */
export function register(options: KitSettings & { tag?: string } = {}): boolean {
  configureKit(options);
  return defineElement(options.tag ?? 'lx-leaderboard', LxLeaderboard);
}
