import { css } from 'lit';

/**
 * Shared base styles. Widgets read semantic tokens (`--lx-*`) only, each through a private
 * local with the light preset as fallback, so an unthemed widget still looks finished.
 * The hover shade, when a theme leaves it unset, is mixed from the brand in CSS, so a page
 * that overrides `--lx-color-brand` gets a matching hover (weights as in themes/derive.ts;
 * widgets that show pressed or subtle brand states mix `--lx-color-brand-active` and
 * `--lx-color-brand-subtle` the same way in their own styles).
 */
export const baseStyles = css`
  :host {
    display: block;
    --_brand: var(--lx-color-brand, #4f46e5);
    --_brand-contrast: var(--lx-color-brand-contrast, #fff);
    --_brand-hover: var(
      --lx-color-brand-hover,
      color-mix(in oklab, var(--_brand) 85%, var(--_text))
    );
    --_surface: var(--lx-color-surface, #fff);
    --_raised: var(--lx-color-surface-raised, #f8fafc);
    --_text: var(--lx-color-text, #0f172a);
    --_muted: var(--lx-color-text-muted, #475569);
    --_border: var(--lx-color-border, #cbd5e1);
    --_focus: var(--lx-color-focus, #2563eb);
    --_danger: var(--lx-color-danger, #b91c1c);
    --_warning: var(--lx-color-warning, #b45309);
    --_success: var(--lx-color-success, #15803d);
    --_font: var(--lx-font-body, system-ui, sans-serif);
    --_font-heading: var(--lx-font-heading, var(--_font));
    --_scale: var(--lx-font-scale, 1);
    --_radius: var(--lx-radius, 0.5rem);
    --_space: calc(1rem * var(--lx-density, 1));
    --_shadow: var(--lx-shadow, 0 1px 2px rgb(15 23 42 / 0.08), 0 4px 12px rgb(15 23 42 / 0.06));
    --_motion: var(--lx-motion, 1);
    color: var(--_text);
    font-family: var(--_font);
    font-size: calc(1rem * var(--_scale));
    line-height: 1.5;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h2,
  h3 {
    font-family: var(--_font-heading);
    line-height: 1.25;
    margin: 0;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--_radius);
    border: 1px solid transparent;
    padding: calc(var(--_space) * 0.5) var(--_space);
    background: var(--_brand);
    color: var(--_brand-contrast);
    font-weight: 600;
  }
  button:hover {
    background: var(--_brand-hover);
  }
  button:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .state {
    display: grid;
    gap: calc(var(--_space) * 0.5);
    justify-items: start;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_raised);
  }
  .state p {
    margin: 0;
    color: var(--_muted);
  }
  .state small {
    color: var(--_muted);
  }
  .state[data-kind='error'] {
    border-inline-start: 4px solid var(--_danger);
  }
  .state[data-kind='limit'] {
    border-inline-start: 4px solid var(--_warning);
  }
  .skeleton {
    min-height: 6rem;
    border-radius: var(--_radius);
    background: linear-gradient(90deg, var(--_raised), var(--_border), var(--_raised));
    background-size: 200% 100%;
    animation: lx-shimmer calc(var(--_motion) * 1.4s) ease-in-out infinite;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @keyframes lx-shimmer {
    from {
      background-position: 200% 0;
    }
    to {
      background-position: -200% 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }
  }
`;
