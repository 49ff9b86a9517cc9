import { css } from 'lit';

export const flowStyles = css`
  .checkout {
    display: grid;
    gap: var(--_space);
    padding: calc(var(--_space) * 1.25);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  section,
  form {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  h2:focus,
  h3:focus {
    outline: none;
  }
  h2:focus-visible,
  h3:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  dl {
    margin: 0;
    display: grid;
    gap: calc(var(--_space) * 0.4);
  }
  dl div {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: var(--_space);
  }
  dt small,
  dd small {
    display: block;
    color: var(--_muted);
    font-size: 0.85em;
  }
  dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .total {
    padding-top: calc(var(--_space) * 0.5);
    border-top: 1px solid var(--_border);
    font-weight: 700;
    font-size: 1.15em;
  }
  label {
    font-weight: 600;
  }
  .row {
    display: flex;
    gap: calc(var(--_space) * 0.5);
  }
  input {
    flex: 1;
    min-width: 0;
    font: inherit;
    color: inherit;
    padding: calc(var(--_space) * 0.45) calc(var(--_space) * 0.6);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .secondary {
    background: var(--_raised);
    color: var(--_text);
    border-color: var(--_border);
  }
  .secondary:hover {
    background: var(--_border);
  }
  .pay {
    width: 100%;
    padding-block: calc(var(--_space) * 0.7);
  }
  .error {
    margin: 0;
    color: var(--_danger);
  }
  .failure {
    display: grid;
    gap: 0.25rem;
    padding: calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_danger);
    border-radius: var(--_radius);
    background: var(--_raised);
  }
  .failure p,
  .result p {
    margin: 0;
  }
  .result {
    padding: calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_success);
    border-radius: var(--_radius);
    background: var(--_raised);
  }
  .muted {
    color: var(--_muted);
  }
  a {
    color: var(--_brand);
    font-weight: 600;
  }
  a:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .status {
    margin: 0;
    color: var(--_muted);
  }
  .status:empty {
    position: absolute;
  }
  ::slotted([slot='payment']) {
    display: block;
    min-height: 3rem;
  }
`;
