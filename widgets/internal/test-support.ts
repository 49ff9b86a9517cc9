// Helpers for widget tests running in Chromium under Web Test Runner.
import type { WidgetFixtures } from '../../tests/widgets/api-fixture.js';
import type { LxElement } from './base-element.js';

let fixtures: Promise<WidgetFixtures> | undefined;

/** Where the real test API runs and the publishable keys for each license state. */
export function apiFixtures(): Promise<WidgetFixtures> {
  fixtures ??= fetch('/__lx/fixtures').then((r) => r.json() as Promise<WidgetFixtures>);
  return fixtures;
}

export async function until(
  predicate: () => boolean,
  message: string,
  timeoutMs = 5000,
): Promise<void> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`Timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the widget shows its content or a state other than loading. */
export async function settled(element: LxElement, selector: string): Promise<Element> {
  await until(
    () => !!element.shadowRoot?.querySelector(selector),
    `${selector} in <${element.localName}>`,
  );
  await element.updateComplete;
  return element.shadowRoot!.querySelector(selector)!;
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}
declare global {
  interface Window {
    axe?: { run(context: Element, options?: object): Promise<AxeResult> };
  }
}

/** Runs axe-core on an element; resolves to serious and critical violations, described. */
export async function axeViolations(element: Element): Promise<string[]> {
  if (!window.axe) {
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/node_modules/axe-core/axe.min.js';
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('axe-core could not be loaded'));
      document.head.append(script);
    });
  }
  const result = await window.axe!.run(element, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
