import { css } from 'lit';

export const pricingTableStyles = css`
  :host {
    --_columns: var(--lx-pricing-table-columns, 3);
    --_card-min: var(--lx-pricing-table-card-min-width, 15rem);
  }
  [part~='base'] {
    display: grid;
    gap: var(--_space);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: center;
    justify-content: space-between;
  }
  fieldset {
    display: inline-flex;
    border: 1px solid var(--_border);
    border-radius: 999px;
    padding: 0.25rem;
    margin: 0;
    background: var(--_raised);
  }
  label {
    position: relative;
    padding: 0.25rem 0.9rem;
    border-radius: 999px;
    cursor: pointer;
    color: var(--_muted);
  }
  label:has(input:checked) {
    background: var(--_brand);
    color: var(--_brand-contrast);
  }
  label:has(input:focus-visible) {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  input[type='radio'] {
    position: absolute;
    opacity: 0;
    inset: 0;
    margin: 0;
    cursor: pointer;
  }
  ul.plans {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--_space);
    grid-template-columns: repeat(auto-fit, minmax(min(100%, var(--_card-min)), 1fr));
  }
  .plan {
    display: grid;
    grid-template-rows: auto auto 1fr auto;
    gap: calc(var(--_space) * 0.75);
    padding: calc(var(--_space) * 1.25);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  .plan[data-recommended] {
    border: 2px solid var(--_brand);
  }
  .badge {
    justify-self: start;
    font-size: 0.8em;
    font-weight: 600;
    padding: 0.1rem 0.6rem;
    border-radius: 999px;
    background: var(--_brand);
    color: var(--_brand-contrast);
  }
  .badge.current {
    background: var(--_success);
    color: #fff;
  }
  .badge + .badge {
    margin-inline-start: 0.35rem;
  }
  .plan[data-current] {
    border-color: var(--_success);
  }
  .price {
    font-size: 1.9em;
    font-weight: 700;
  }
  .price small {
    font-size: 0.45em;
    font-weight: 400;
    color: var(--_muted);
  }
  .plan p {
    margin: 0;
    color: var(--_muted);
  }
  .features {
    margin: 0;
    padding: 0;
    list-style: none;
    display: grid;
    align-content: start;
    gap: 0.35rem;
  }
  .features li::before {
    content: '✓';
    color: var(--_success);
    font-weight: 700;
    margin-inline-end: 0.5rem;
  }
`;
