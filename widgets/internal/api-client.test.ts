import { expect } from '@esm-bundle/chai';
import { ApiClient, LxApiError } from './api-client.js';
import { apiFixtures } from './test-support.js';

describe('ApiClient', () => {
  it('sends the publishable key and returns JSON', async () => {
    const { api, keys } = await apiFixtures();
    const config = await new ApiClient(api, keys.valid).get<{ license: { id: string } }>(
      'v1/embed/config',
    );
    expect(config.license.id).to.equal('lic_w_valid');
  });

  it('turns problem+json into a typed error with the request id', async () => {
    const { api, keys } = await apiFixtures();
    const error = await new ApiClient(api, keys.revoked)
      .get('v1/embed/config')
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(LxApiError);
    const apiError = error as LxApiError;
    expect(apiError.code).to.equal('license_revoked');
    expect(apiError.status).to.equal(403);
    expect(apiError.requestId).to.match(/^req_/);
  });

  it('reports an unreachable server as network_error', async () => {
    const error = (await new ApiClient('http://127.0.0.1:9', 'pk_test_x')
      .get('v1/embed/config')
      .catch((e: unknown) => e)) as LxApiError;
    expect(error.code).to.equal('network_error');
    expect(error.status).to.equal(0);
  });

  it('sends the learner token when one is given, from a string or a provider', async () => {
    const { api, keys } = await apiFixtures();
    const seen: (string | null)[] = [];
    const original = window.fetch;
    window.fetch = (input, init) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return original(input, init);
    };
    try {
      await new ApiClient(api, keys.valid, 'abc').get('v1/embed/config');
      await new ApiClient(api, keys.valid, async () => 'def').get('v1/embed/config');
      await new ApiClient(api, keys.valid).get('v1/embed/config');
    } finally {
      window.fetch = original;
    }
    expect(seen).to.deep.equal(['Bearer abc', 'Bearer def', null]);
  });
});
