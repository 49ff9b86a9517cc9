import { css } from 'lit';

export const detailStyles = css`
  .detail section {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  .back {
    justify-self: start;
  }
  .hero {
    display: grid;
    gap: var(--_space);
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr));
    align-items: start;
  }
  .hero .cover {
    border-radius: var(--_radius);
  }
  .intro {
    display: grid;
    gap: 0.4rem;
  }
  .intro p {
    margin: 0;
  }
  #course-title {
    font-size: 1.5em;
    overflow-wrap: anywhere;
  }
  /* Focus lands on the title when the page opens, for screen readers; no ring needed. */
  #course-title:focus {
    outline: none;
  }
  .meta,
  .action,
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: center;
  }
  .row {
    justify-content: space-between;
  }
  .review .row {
    justify-content: start;
    margin: 0;
  }
  .action .price {
    font-size: 1.25em;
  }
  .notice:empty {
    display: none;
  }
  .description {
    overflow-wrap: anywhere;
  }
  .description a {
    color: var(--_brand);
  }
  .description code {
    font-family: ui-monospace, monospace;
    background: var(--_raised);
    padding: 0 0.2em;
    border-radius: 0.2em;
  }
  .materials,
  .review-list,
  .bars {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
  }
  .materials li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: space-between;
    align-items: center;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .summary {
    display: grid;
    gap: 0.5rem;
    max-width: 24rem;
  }
  .bars {
    gap: 0.15rem;
  }
  .bars li {
    display: grid;
    grid-template-columns: 5rem 1fr;
    gap: 0.5rem;
    align-items: center;
    font-size: 0.9em;
  }
  meter {
    width: 100%;
  }
  .review {
    padding: 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .review[data-mine] {
    border-color: var(--_brand);
  }
  .review .text {
    margin: 0.4rem 0 0;
    white-space: pre-line;
    overflow-wrap: anywhere;
  }
  .review-form {
    display: grid;
    gap: 0.5rem;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_raised);
  }
  .review-form h4 {
    margin: 0;
  }
  .rate {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
  }
  .rate legend {
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  .rate label {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
    color: var(--_text);
  }
  .rate input {
    min-height: auto;
    width: 1.1rem;
    height: 1.1rem;
    accent-color: var(--_brand);
  }
  .review-form button[type='submit'] {
    justify-self: start;
  }
  .error {
    color: var(--_danger);
    margin: 0;
  }
  .skeleton.tall {
    min-height: 14rem;
  }
`;
