import { describe, expect, it } from 'vitest';
import { encodeForm, parseUrlEncoded } from '../../demo/stripe-emulator/core/form.js';

describe('form body parser', () => {
  it('reads bracket notation the way the stripe SDK writes it', () => {
    const parsed = parseUrlEncoded(
      'customer=cus_1&items[0][price]=price_x&items[0][quantity]=2&items[1][price]=price_y' +
        '&metadata[course_id]=c1&expand[0]=latest_invoice.confirmation_secret&description=',
    );
    expect(parsed).toEqual({
      customer: 'cus_1',
      items: [{ price: 'price_x', quantity: '2' }, { price: 'price_y' }],
      metadata: { course_id: 'c1' },
      expand: ['latest_invoice.confirmation_secret'],
      description: '',
    });
  });

  it('accepts curl-style empty brackets and percent-encoded brackets', () => {
    expect(parseUrlEncoded('expand[]=customer&expand[]=latest_charge')).toEqual({
      expand: ['customer', 'latest_charge'],
    });
    expect(parseUrlEncoded('metadata%5Bcourse_id%5D=c%201')).toEqual({
      metadata: { course_id: 'c 1' },
    });
  });

  it('orders indexed arrays by index', () => {
    expect(parseUrlEncoded('a[2]=z&a[0]=x&a[1]=y')).toEqual({ a: ['x', 'y', 'z'] });
  });

  it('refuses prototype keys and malformed names', () => {
    expect(() => parseUrlEncoded('__proto__[x]=1')).toThrow(/Invalid parameter name/);
    expect(() => parseUrlEncoded('metadata[constructor]=1')).toThrow(/Invalid parameter name/);
    expect(() => parseUrlEncoded('a[b=1')).toThrow(/Invalid parameter name/);
  });

  it('round-trips through encodeForm', () => {
    const value = { items: [{ price: 'p', quantity: '1' }], metadata: { k: 'v & w' } };
    expect(parseUrlEncoded(encodeForm(value))).toEqual(value);
  });
});
