import { widgetEntries, type WidgetTag } from '../registry.js';

/**
 * The kit loader: tiny, dependency-free, safe to paste into any page. It reads its settings
 * from its own script tag (`data-license`, optional `data-api`) and fetches a widget's code
 * only when that widget's tag first appears in the document.
 *
 *   <script type="module" src="https://kit.example.com/kit/kit.js" data-license="pk_live_…"></script>
 *   <script src="https://kit.example.com/kit/kit.classic.js" data-license="pk_live_…"></script>
 */
declare const __LX_CLASSIC__: boolean;

interface WidgetModule {
  register(options: { tag: string; license?: string; api?: string }): boolean;
}

interface KitHandle {
  /** Loads and registers the given widgets now instead of waiting for their tags. */
  load(...tags: string[]): Promise<void>;
  readonly version: string;
}

const tags = Object.keys(widgetEntries) as WidgetTag[];

function findScript(): { script: HTMLScriptElement | null; src: string } {
  if (__LX_CLASSIC__) {
    const current = document.currentScript as HTMLScriptElement | null;
    return { script: current, src: current?.src ?? location.href };
  }
  const src = import.meta.url;
  const script =
    [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find((s) => s.src === src) ??
    document.querySelector<HTMLScriptElement>('script[data-license]');
  return { script, src };
}

const { script, src } = findScript();
const license = script?.dataset.license;
const api = script?.dataset.api ?? new URL(src).origin;
const pending = new Map<string, Promise<void>>();

function load(tag: string): Promise<void> {
  let promise = pending.get(tag);
  if (!promise) {
    const url = new URL(`${tag}.js`, src).href;
    promise = (import(/* @vite-ignore */ url) as Promise<WidgetModule>).then(
      (mod) => {
        mod.register({ tag, ...(license ? { license } : {}), api });
      },
      (error: unknown) => {
        pending.delete(tag);
        console.error(`[liberation-kit] could not load <${tag}> from ${url}`, error);
      },
    );
    pending.set(tag, promise);
  }
  return promise;
}

function scan(root: ParentNode): void {
  for (const tag of tags) {
    if (!pending.has(tag) && root.querySelector(tag)) void load(tag);
  }
  if (pending.size === tags.length) observer.disconnect();
}

const observer = new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeType !== 1) continue;
      const element = node as Element;
      if (tags.includes(element.localName as WidgetTag)) void load(element.localName);
      if (element.firstElementChild) scan(element);
    }
  }
});

observer.observe(document.documentElement, { childList: true, subtree: true });
scan(document);

const handle: KitHandle = {
  load: async (...names) => {
    await Promise.all(names.filter((n) => tags.includes(n as WidgetTag)).map(load));
  },
  version: '0.1.0',
};
(globalThis as { LiberationKit?: KitHandle }).LiberationKit ??= handle;
