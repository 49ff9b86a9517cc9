import { css } from 'lit';

/** The search, filters and results; the course page adds its own sheet. */
export const catalogStyles = css`
  :host {
    --_card-width: var(--lx-course-catalog-card-width, 15rem);
    --_star: var(--lx-course-catalog-star, var(--_warning));
  }
  .catalog,
  .detail {
    display: grid;
    gap: var(--_space);
    container-type: inline-size;
  }
  label {
    display: grid;
    gap: 0.15rem;
    font-size: 0.9em;
    color: var(--_muted);
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.4rem 0.6rem;
    min-height: 2.5rem;
    max-width: 100%;
  }
  select:focus-visible,
  textarea:focus-visible,
  .card:focus-within {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .search label {
    font-weight: 600;
    color: var(--_text);
  }
  .combo {
    position: relative;
  }
  .combo input {
    width: 100%;
  }
  [role='listbox'] {
    position: absolute;
    z-index: 2;
    inset-inline: 0;
    top: calc(100% + 0.25rem);
    margin: 0;
    padding: 0.25rem;
    list-style: none;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }
  [role='option'] {
    padding: 0.5rem 0.75rem;
    border-radius: calc(var(--_radius) / 2);
    cursor: pointer;
  }
  [role='option']:hover,
  [role='option'][aria-selected='true'] {
    background: var(--_brand);
    color: var(--_brand-contrast);
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.75);
    align-items: end;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    min-width: 0;
  }
  .range {
    font-size: 0.9em;
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    align-items: end;
  }
  .range legend {
    font-size: inherit;
    color: var(--_muted);
    padding: 0 0 0.15rem;
  }
  .range input {
    width: 6rem;
  }
  .count {
    margin: 0;
    color: var(--_muted);
    min-height: 1.5em;
  }
  .cards {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--_space);
    grid-template-columns: repeat(auto-fill, minmax(min(100%, var(--_card-width)), 1fr));
  }
  .cards[aria-busy='true'] .card {
    opacity: 0.6;
  }
  .card {
    position: relative;
    display: grid;
    grid-template-rows: auto 1fr;
    overflow: hidden;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }
  .card.skeleton {
    min-height: 16rem;
  }
  .cover {
    display: block;
    width: 100%;
    aspect-ratio: 16 / 9;
    object-fit: cover;
    background: var(--_raised);
  }
  .cover.none {
    display: grid;
    place-items: center;
    font-size: 2.5em;
    font-weight: 700;
    color: var(--_brand);
    background: color-mix(in oklab, var(--_brand) 12%, var(--_surface));
  }
  .body {
    display: grid;
    align-content: start;
    gap: 0.25rem;
    padding: calc(var(--_space) * 0.75);
  }
  .body p {
    margin: 0;
  }
  h3 {
    font-size: 1.05em;
    overflow-wrap: anywhere;
  }
  button.open {
    all: unset;
    cursor: pointer;
    font-weight: 700;
    color: var(--_text);
  }
  /* The whole card opens the course; the title button is the one focus stop. */
  button.open::after {
    content: '';
    position: absolute;
    inset: 0;
  }
  button.open:hover {
    text-decoration: underline;
  }
  .subtitle,
  .muted,
  small {
    color: var(--_muted);
  }
  .subtitle {
    overflow-wrap: anywhere;
  }
  .stars {
    color: var(--_star);
    letter-spacing: 0.05em;
  }
  .stars .off {
    color: var(--_border);
  }
  .rating {
    font-size: 0.9em;
  }
  .foot {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    margin-top: 0.25rem;
  }
  .price {
    font-weight: 700;
  }
  .badge {
    font-size: 0.8em;
    font-weight: 600;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    color: var(--_success);
    border: 1px solid currentColor;
  }
  .more {
    display: grid;
    justify-items: center;
    gap: 0.5rem;
  }
  button.secondary {
    background: transparent;
    color: var(--_text);
    border-color: var(--_border);
  }
  button.secondary:hover {
    background: var(--_raised);
  }
  /* On a phone, a card is a row: a small cover beside the text. */
  @container (max-width: 30rem) {
    .card {
      grid-template-rows: none;
      grid-template-columns: 6.5rem 1fr;
    }
    .card .cover {
      aspect-ratio: 1;
      height: 100%;
      font-size: 1.75em;
    }
    .card.skeleton {
      min-height: 8rem;
    }
    .filters > label {
      flex: 1 1 8rem;
    }
    .range {
      flex: 1 1 100%;
    }
    .range select,
    .range input {
      flex: 1 1 0;
      width: auto;
      min-width: 0;
    }
  }
`;
