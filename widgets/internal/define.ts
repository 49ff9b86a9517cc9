/**
 * Registers a custom element under `tag` unless that name is taken. Importing a widget never
 * registers it: the loader (or a host page) calls this, which lets a page rename tags or load
 * two kit versions side by side.
 */
export function defineElement(tag: string, ctor: CustomElementConstructor): boolean {
  const existing = customElements.get(tag);
  if (existing === ctor) return true;
  if (existing) {
    console.warn(
      `[liberation-kit] <${tag}> is already defined by other code; this copy was not registered. ` +
        'Pass another tag name to register it side by side.',
    );
    return false;
  }
  customElements.define(tag, ctor);
  return true;
}
