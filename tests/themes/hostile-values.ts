/**
 * Values an attacker (or a careless paste) might put in a theme. Every one must be refused by
 * the shared validator for every CSS-bound field, by the server with a problem+json naming the
 * field, and, if forced into a widget, must never reach its styles. The widget tests in
 * Chromium import this list too.
 */
export const hostileValues: readonly string[] = [
  'red;} body{display:none',
  '#fff; background: url(https://evil.test/x.png)',
  'url(https://evil.test/x.png)',
  'URL(https://evil.test/x.png)',
  'url (https://evil.test/x.png)',
  'u\\72l(https://evil.test/x.png)',
  'expression(alert(1))',
  'EXPRESSION(alert(1))',
  '#fff\\3b',
  '\\23 fff',
  '@import "https://evil.test/x.css"',
  '@import url(https://evil.test/x.css)',
  '}',
  '{',
  ';',
  '#fff}',
  'rgb(0 0 0) !important',
  '#fff /* comment */',
  '</style><script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'var(--lx-color-text)',
  'attr(data-x)',
  'env(safe-area-inset-top)',
  'image-set("https://evil.test/x.png" 1x)',
  '-webkit-image-set(url(x) 1x)',
  'calc(100vw * 100)',
  'inherit',
  'initial',
  'unset',
  'revert',
  'rgb(0 0 0)\n}:host{display:none',
  '#fff\u0000',
  'javascript:alert(1)',
  'x'.repeat(300),
  `rgb(${'0 '.repeat(200)})`,
  '"Comic Sans',
  "Arial'",
  'rgb(0, 0, 0); --lx-x: 1',
];

/** Logo URLs that must be refused: only plain https URLs are allowed. */
export const hostileLogoUrls: readonly string[] = [
  'javascript:alert(1)',
  'http://insecure.test/logo.png',
  'data:image/svg+xml,<svg onload=alert(1)>',
  '//evil.test/logo.png',
  'https://user:secret@evil.test/logo.png',
  'https://evil.test/logo.png") ; background:url(x',
  "https://evil.test/logo.png'",
  'https://evil.test/logo.png\\',
  'https://evil.test/<script>',
  'https://evil.test/a b.png',
  `https://evil.test/${'a'.repeat(600)}.png`,
  ' https://evil.test/logo.png',
];
