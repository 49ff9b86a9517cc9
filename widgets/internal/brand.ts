// Kept apart from theme.ts: only widgets that show branding pay for it.

/** A brand logo URL a widget may show: plain https only, whatever the server sent. */
export function safeLogoUrl(url: string | undefined): string | undefined {
  return url &&
    url.length <= 500 &&
    /^https:\/\/[\w.-]+(:\d+)?(\/[\w.~!$&*+,=:@%/-]*)?(\?[\w.~!$&*+,=:@%/?-]*)?$/.test(url)
    ? url
    : undefined;
}
