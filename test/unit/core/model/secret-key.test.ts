import assert from 'node:assert/strict';
import { secretKey } from '../../../../backend/src/core/model/secret-key';
import { AwsFake } from '../../../fakes/aws';

describe('the model key from Secrets Manager (MODEL_API_KEY_SECRET)', () => {
  const aws = new AwsFake();
  before(() => aws.start());
  after(() => aws.stop());
  beforeEach(() => aws.reset());
  const credentials = async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'not-real' });
  const source = (secretId: string) =>
    secretKey({ secretId, region: 'us-east-1', credentials, endpoint: aws.url });

  it('reads once, caches, and reads again on refresh (a rotated key)', async () => {
    aws.secrets.set('model-key', 'sk-first');
    const key = source('model-key');
    assert.equal(await key.get(), 'sk-first');
    assert.equal(await key.get(), 'sk-first');
    assert.equal(aws.calledWith('GetSecretValue').length, 1);
    aws.secrets.set('model-key', 'sk-rotated');
    assert.equal(await key.refresh(), 'sk-rotated');
    assert.equal(await key.get(), 'sk-rotated');
    assert.equal(aws.calledWith('GetSecretValue').length, 2);
  });

  it('takes the key from a JSON secret', async () => {
    aws.secrets.set('json-key', JSON.stringify({ apiKey: ' sk-json ' }));
    assert.equal(await source('json-key').get(), 'sk-json');
  });

  it('fails with the secret named and never its value, and tries again after a failure', async () => {
    const key = source('missing');
    await assert.rejects(key.get(), (e: Error) =>
      /secret missing \(ResourceNotFoundException\)/.test(e.message),
    );
    aws.secrets.set('missing', 'sk-now-there');
    assert.equal(await key.get(), 'sk-now-there');
    aws.secrets.set('empty', JSON.stringify({ other: 'sk-not-this-field' }));
    await assert.rejects(
      source('empty').get(),
      (e: Error) => !e.message.includes('sk-') && /holds no model API key/.test(e.message),
    );
  });
});
