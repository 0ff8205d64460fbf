import assert from 'node:assert/strict';
import { FAILURE_CODES, HTTP_FAILURE_CODES } from '../../../../backend/src/protocol';
import { ConnectionError, errorKindForStatus } from '../../../../extension/connection/types';

describe('one closed set of error codes', () => {
  it('holds every HTTP code of the contract', () => {
    for (const code of HTTP_FAILURE_CODES) assert.ok(FAILURE_CODES.includes(code), code);
  });

  it('reads an error response as a known code: the body’s when it has one, else by status', () => {
    assert.equal(errorKindForStatus(404, 'not_found'), 'not_found');
    assert.equal(errorKindForStatus(503, 'unavailable'), 'unavailable');
    assert.equal(errorKindForStatus(403), 'forbidden');
    assert.equal(errorKindForStatus(401), 'unauthorized');
    assert.equal(errorKindForStatus(400, 'something_new'), 'invalid_request', 'an unknown body code');
    assert.equal(errorKindForStatus(502), 'internal');
    assert.equal(errorKindForStatus(429), 'throttled');
  });

  it('offers Retry only where the same request may succeed', () => {
    const retryable = FAILURE_CODES.filter((code) => new ConnectionError(code, 'm').retryable);
    assert.deepEqual(retryable, ['throttled', 'internal', 'unavailable', 'unreachable']);
  });
});
