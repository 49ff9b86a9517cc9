import { css } from 'lit';

export const walletViewStyles = css`
  [part~='base'] {
    display: grid;
    gap: var(--_space);
  }
  section {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  .balance {
    font-size: 2em;
    font-weight: 700;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  li {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    align-items: center;
    justify-content: space-between;
    padding: calc(var(--_space) * 0.5) var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .amount[data-sign='+'] {
    color: var(--_success);
  }
  small,
  .muted {
    color: var(--_muted);
  }
  .status {
    font-size: 0.85em;
    padding: 0 0.5rem;
    border-radius: 999px;
    border: 1px solid currentColor;
  }
  .status[data-status='rejected'],
  .status[data-status='canceled'] {
    color: var(--_danger);
  }
  .status[data-status='fulfilled'] {
    color: var(--_success);
  }
  input,
  select {
    font: inherit;
    padding: 0.3rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    align-items: center;
  }
  button.secondary {
    background: transparent;
    color: var(--_text);
    border-color: var(--_border);
  }
`;
