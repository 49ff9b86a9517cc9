import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

/**
 * The stand-in for Stripe.js and the frames it opens. Scripts and styles are plain files next
 * to this module; the HTML pages are built here so their CSP can stay strict.
 */
const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/v3': { file: 'stripe-v3.js', type: 'text/javascript; charset=utf-8' },
  '/v3/': { file: 'stripe-v3.js', type: 'text/javascript; charset=utf-8' },
  '/elements/payment-frame.js': {
    file: 'payment-frame.js',
    type: 'text/javascript; charset=utf-8',
  },
  '/elements/frame.css': { file: 'frame.css', type: 'text/css; charset=utf-8' },
  '/elements/authenticate.js': { file: 'authenticate.js', type: 'text/javascript; charset=utf-8' },
};

const cache = new Map<string, string>();

function read(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(file, import.meta.url), 'utf8');
    cache.set(file, text);
  }
  return text;
}

/** Frames may be embedded by any page (the host decides), but load nothing from elsewhere. */
const FRAME_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');

function page(title: string, script: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="/elements/frame.css">
<script src="/elements/${script}" defer></script>
</head>
<body>
${body}
</body>
</html>
`;
}

const PAYMENT_FRAME = page(
  'Card details',
  'payment-frame.js',
  `<main>
<h1 class="visually-hidden">Card details</h1>
<form id="card-form" class="card-form" novalidate autocomplete="on">
  <div class="field field-number">
    <label for="number">Card number</label>
    <input id="number" name="cardnumber" type="text" inputmode="numeric" autocomplete="cc-number"
      placeholder="1234 1234 1234 1234" aria-describedby="number-error" maxlength="23" spellcheck="false">
    <p id="number-error" class="error" role="alert" aria-live="polite"></p>
  </div>
  <div class="row">
    <div class="field field-expiry">
      <label for="expiry">Expiration date</label>
      <input id="expiry" name="exp-date" type="text" inputmode="numeric" autocomplete="cc-exp"
        placeholder="MM / YY" aria-describedby="expiry-error" maxlength="7" spellcheck="false">
      <p id="expiry-error" class="error" role="alert" aria-live="polite"></p>
    </div>
    <div class="field field-cvc">
      <label for="cvc">Security code</label>
      <input id="cvc" name="cvc" type="text" inputmode="numeric" autocomplete="cc-csc"
        placeholder="CVC" aria-describedby="cvc-error" maxlength="4" spellcheck="false">
      <p id="cvc-error" class="error" role="alert" aria-live="polite"></p>
    </div>
  </div>
  <p class="hint">Test mode: use 4242 4242 4242 4242, any future date and any CVC.</p>
</form>
</main>`,
);

const AUTHENTICATE_PAGE = page(
  'Authenticate payment',
  'authenticate.js',
  `<main class="challenge" aria-labelledby="challenge-title">
  <h1 id="challenge-title">Test payment authentication</h1>
  <p>This is the emulator's stand-in for your bank's 3D Secure check. Choose how it ends.</p>
  <p id="challenge-status" class="status" role="status" aria-live="polite"></p>
  <div class="actions">
    <button type="button" id="complete" class="primary">Complete authentication</button>
    <button type="button" id="fail" class="secondary">Fail authentication</button>
  </div>
</main>`,
);

/** Serves a browser asset if `url` names one; returns false otherwise. */
export function serveAsset(url: URL, res: ServerResponse, _baseUrl: string): boolean {
  const path = url.pathname;
  let body: string;
  let type: string;
  const headers: Record<string, string> = {
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
  };
  if (path === '/elements/payment-frame') {
    body = PAYMENT_FRAME;
    type = 'text/html; charset=utf-8';
    headers['content-security-policy'] = FRAME_CSP;
  } else if (path === '/elements/authenticate') {
    body = AUTHENTICATE_PAGE;
    type = 'text/html; charset=utf-8';
    headers['content-security-policy'] = FRAME_CSP;
  } else {
    const asset = FILES[path];
    if (!asset) return false;
    body = read(asset.file);
    type = asset.type;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
  return true;
}
