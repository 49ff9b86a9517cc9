import { css } from 'lit';

/** The editor's own look, built on the same semantic tokens as every widget. */
export const workbenchStyles = css`
  :host {
    --_sidebar: var(--lx-theme-editor-sidebar-width, 24rem);
    --_subtle: var(
      --lx-color-brand-subtle,
      color-mix(in oklab, var(--_brand) 12%, var(--_surface))
    );
    container-type: inline-size;
  }
  .editor {
    display: grid;
    gap: var(--_space);
    grid-template-columns: minmax(0, var(--_sidebar)) minmax(0, 1fr);
    align-items: start;
    color: var(--_text);
  }
  @container (max-width: 52rem) {
    .editor {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  header.bar {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5) var(--_space);
    align-items: center;
    justify-content: space-between;
    padding: calc(var(--_space) * 0.75) var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_raised);
  }
  header.bar .brand {
    display: flex;
    gap: 0.6rem;
    align-items: center;
  }
  header.bar img {
    max-height: 2rem;
    max-width: 8rem;
  }
  .status {
    margin: 0;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  button.secondary {
    background: var(--_surface);
    color: var(--_text);
    border-color: var(--_border);
  }
  button.secondary:hover {
    background: var(--_subtle);
  }
  .controls {
    display: grid;
    gap: var(--_space);
  }
  section,
  details {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    padding: var(--_space);
  }
  section > h3,
  summary {
    font-family: var(--_font-heading);
    font-size: 1.05em;
    font-weight: 700;
    margin: 0 0 calc(var(--_space) * 0.75);
  }
  summary {
    cursor: pointer;
    margin: 0;
  }
  details[open] > summary {
    margin-bottom: calc(var(--_space) * 0.75);
  }
  .field {
    display: grid;
    gap: 0.25rem;
    margin-block-end: calc(var(--_space) * 0.75);
  }
  .field > label,
  legend {
    font-weight: 600;
    font-size: 0.9em;
  }
  .row {
    display: flex;
    gap: 0.5rem;
    align-items: center;
  }
  .row > input[type='text'],
  .row > select {
    flex: 1;
    min-width: 0;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0.35rem 0.5rem;
  }
  input[type='color'] {
    inline-size: 2.75rem;
    block-size: 2.25rem;
    padding: 0.15rem;
    cursor: pointer;
  }
  input[type='checkbox'],
  input[type='radio'] {
    accent-color: var(--_brand);
    inline-size: 1.1rem;
    block-size: 1.1rem;
  }
  select:focus-visible,
  textarea:focus-visible,
  summary:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 2px;
  }
  .hint,
  .error {
    margin: 0;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .error {
    color: var(--_danger);
    font-weight: 600;
  }
  fieldset {
    border: 0;
    margin: 0 0 calc(var(--_space) * 0.75);
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
  }
  fieldset legend {
    inline-size: 100%;
    margin-block-end: 0.25rem;
  }
  fieldset label {
    display: inline-flex;
    gap: 0.35rem;
    align-items: center;
  }
  ul.checks,
  ol.history {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.4rem;
  }
  .check {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0 0.5rem;
    align-items: center;
    padding: 0.4rem 0.6rem;
    border-radius: calc(var(--_radius) * 0.75);
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_success);
  }
  .check[data-pass='false'] {
    border-inline-start-color: var(--_danger);
  }
  .check small {
    grid-column: 1 / -1;
    color: var(--_muted);
  }
  .verdict {
    font-weight: 700;
    font-size: 0.85em;
    color: var(--_success);
  }
  .check[data-pass='false'] .verdict {
    color: var(--_danger);
  }
  .history li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    align-items: center;
    justify-content: space-between;
    padding-block: 0.4rem;
    border-block-end: 1px solid var(--_border);
  }
  .history small {
    color: var(--_muted);
  }
  textarea {
    inline-size: 100%;
    min-block-size: 8rem;
    font-family: ui-monospace, Menlo, Consolas, monospace;
    font-size: 0.85em;
  }
  .notice {
    grid-column: 1 / -1;
    margin: 0;
    padding: 0.5rem 0.75rem;
    border-radius: var(--_radius);
    background: var(--_subtle);
    border-inline-start: 4px solid var(--_brand);
  }
  .notice:not([data-shown]) {
    /* Out of the layout but still in the accessibility tree, so a message that appears in it
       is announced. */
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  .notice[data-kind='error'] {
    border-inline-start-color: var(--_danger);
  }
  .preview {
    display: grid;
    gap: var(--_space);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .stage {
    /* The previewed theme's surface, so dark themes are seen on dark. */
    display: grid;
    gap: var(--_space);
    padding: var(--_space);
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
  }
  .preview-bar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    align-items: end;
  }
  .preview-bar .field {
    margin: 0;
  }
  .preview-bar h3 {
    margin: 0 auto 0.4rem 0;
  }
  dialog {
    max-inline-size: min(32rem, 90vw);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    padding: calc(var(--_space) * 1.25);
    box-shadow: var(--_shadow);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  dialog h2 {
    margin-block-end: 0.5rem;
  }
`;
