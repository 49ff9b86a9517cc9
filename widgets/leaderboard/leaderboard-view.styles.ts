import { css } from 'lit';

export const leaderboardViewStyles = css`
  :host {
    --_avatar: var(--lx-leaderboard-avatar-size, 2rem);
  }
  [part~='base'] {
    display: grid;
    gap: var(--_space);
  }
  .tabs {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
  }
  fieldset {
    display: inline-flex;
    border: 1px solid var(--_border);
    border-radius: 999px;
    padding: 0.2rem;
    margin: 0;
    background: var(--_raised);
  }
  fieldset label {
    position: relative;
    padding: 0.15rem 0.8rem;
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
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.25rem;
  }
  li {
    display: grid;
    grid-template-columns: 2.5rem var(--_avatar) 1fr auto;
    gap: calc(var(--_space) * 0.5);
    align-items: center;
    padding: 0.35rem 0.6rem;
    border-radius: var(--_radius);
    background: var(--_surface);
    border: 1px solid var(--_border);
  }
  li[aria-current] {
    border: 2px solid var(--_brand);
    background: var(--_raised);
    font-weight: 600;
  }
  .rank {
    font-weight: 700;
    text-align: end;
  }
  .avatar {
    width: var(--_avatar);
    height: var(--_avatar);
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-size: 0.8em;
    font-weight: 700;
    background: var(--_brand);
    color: var(--_brand-contrast);
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  h3 {
    font-size: 0.95em;
    color: var(--_muted);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    align-items: center;
    justify-content: space-between;
  }
  button.secondary {
    background: transparent;
    color: var(--_text);
    border-color: var(--_border);
  }
  p {
    margin: 0;
    color: var(--_muted);
  }
`;
