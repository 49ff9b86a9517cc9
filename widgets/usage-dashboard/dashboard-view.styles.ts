import { css } from 'lit';

export const dashboardViewStyles = css`
  [part~='base'] {
    display: grid;
    gap: calc(var(--_space) * 1.5);
  }
  section {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    align-items: center;
  }
  .spread {
    justify-content: space-between;
  }
  dl {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    margin: 0;
  }
  dt,
  small,
  .muted {
    color: var(--_muted);
  }
  dt {
    font-size: 0.85em;
  }
  dd {
    margin: 0;
    font-weight: 600;
  }
  .plan {
    text-transform: capitalize;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  .meters {
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
  }
  [part~='meter'],
  [part~='ticket'] {
    display: grid;
    align-content: start;
    gap: 0.35rem;
    padding: calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .name {
    font-weight: 600;
  }
  .value {
    font-variant-numeric: tabular-nums;
  }
  .bar {
    display: block;
    inline-size: 100%;
    block-size: 0.6rem;
    border-radius: 999px;
    overflow: hidden;
  }
  :host([dir='rtl']) .bar {
    transform: scaleX(-1);
  }
  .track {
    fill: var(--_raised);
    stroke: var(--_border);
  }
  .fill {
    fill: var(--_brand);
  }
  .mark {
    stroke: var(--_muted);
    stroke-width: 0.5;
  }
  [data-state='warning'] .fill {
    fill: var(--_warning);
  }
  [data-state='exhausted'] .fill {
    fill: var(--_danger);
  }
  [data-state='warning'] {
    border-inline-start: 4px solid var(--_warning);
  }
  [data-state='exhausted'] {
    border-inline-start: 4px solid var(--_danger);
  }
  [data-state='exhausted'] strong {
    color: var(--_danger);
  }
  figure {
    margin: 0;
  }
  figure svg {
    /* Time runs left to right in every language; the labels are placed for that. */
    direction: ltr;
    display: block;
    inline-size: 100%;
    block-size: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  figure rect {
    fill: var(--_brand);
  }
  figure text {
    fill: var(--_muted);
    font-size: 14px;
  }
  .axis {
    stroke: var(--_border);
  }
  [data-breached] {
    border-inline-start: 4px solid var(--_danger);
  }
  [data-late] {
    color: var(--_danger);
  }
  .sla {
    gap: 0.15rem;
  }
  .badge {
    font-size: 0.85em;
    padding: 0 0.5rem;
    border-radius: 999px;
    border: 1px solid currentColor;
  }
  .badge[data-priority='urgent'],
  .badge[data-priority='high'] {
    color: var(--_danger);
  }
  .notice {
    margin: 0;
  }
  h4 {
    margin: 0;
  }
  select {
    font: inherit;
    padding: 0.3rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
  }
  button.secondary {
    background: transparent;
    color: var(--_text);
    border-color: var(--_border);
  }
`;
