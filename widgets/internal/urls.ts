/**
 * A URL the widget may load or link to: http(s) only, whatever the server sent. A relative one
 * is resolved against `base` (the API's origin).
 */
export function safeUrl(value: string | null | undefined, base?: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = base ? new URL(value, base.endsWith('/') ? base : `${base}/`) : new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
