import { describe, expect, it } from 'vitest';
import { presets } from '../../themes/presets.js';
import { stripeAppearance } from '../../themes/stripe.js';

describe('stripeAppearance', () => {
  it('maps the light scheme onto Stripe variables and rules', () => {
    const appearance = stripeAppearance(presets.evergreen, 'light');
    expect(appearance.theme).toBe('stripe');
    expect(appearance.variables).toMatchObject({
      colorPrimary: '#2f5a2a',
      colorBackground: '#fbf8f1',
      colorText: '#2b2619',
      borderRadius: '0px',
      spacingUnit: '4px',
      fontSizeBase: '16px',
      focusBoxShadow: '0 0 0 3px #b45309',
    });
    expect(appearance.variables.fontFamily).toContain('Gill Sans');
    expect(appearance.rules['.Input']).toEqual({ border: '1px solid #d9ccb0', boxShadow: 'none' });
    expect(appearance.rules['.Tab--selected']!.borderColor).toBe('#2f5a2a');
  });

  it('uses Stripe’s night theme and the dark values for the dark scheme', () => {
    const appearance = stripeAppearance(presets.sunset, 'dark');
    expect(appearance.theme).toBe('night');
    expect(appearance.variables.colorBackground).toBe('#220a29');
    expect(appearance.variables.colorPrimary).toBe('#ffb4a2');
    expect(appearance.variables.borderRadius).toBe('24px');
    expect(appearance.variables.spacingUnit).toBe('5px');
  });

  it('converts oklch() and hsl() to hex, which Stripe accepts, and turns motion off', () => {
    const appearance = stripeAppearance(
      {
        mode: 'light',
        tokens: {
          'color-brand': 'oklch(62.8% 0.2577 29.23)',
          'color-text': 'hsl(0 0% 0%)',
          motion: 'off',
        },
      },
      'light',
    );
    expect(appearance.variables.colorPrimary).toBe('#ff0000');
    expect(appearance.variables.colorText).toBe('#000000');
    expect(appearance.rules['.Input']!.transition).toBe('none');
  });
});
