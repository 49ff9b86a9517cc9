/** Page-wide defaults for this copy of the kit, set by the loader from its script tag. */
export interface KitSettings {
  /** Publishable key (`pk_…`). An element's own `license` attribute wins over it. */
  license?: string;
  /** API origin. Defaults to the origin the kit was loaded from. */
  api?: string;
}

const settings: KitSettings = {};

export function configureKit(next: KitSettings): void {
  if (next.license) settings.license = next.license;
  if (next.api) settings.api = next.api;
}

export function kitSettings(): Readonly<KitSettings> {
  return settings;
}
