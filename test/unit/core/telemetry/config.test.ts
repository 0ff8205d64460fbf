import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../../backend/src/core/config';

describe('telemetry configuration', () => {
  const base = { AUTH_MODE: 'none' };

  it('is off by default, and EMF by default on Lambda', () => {
    assert.deepEqual(loadConfig(base).telemetry, {
      metrics: 'off',
      otlpEndpoint: undefined,
      serviceName: 'cloud-engineer',
    });
    assert.equal(loadConfig({ ...base, AWS_LAMBDA_FUNCTION_NAME: 'agent' }).telemetry.metrics, 'emf');
    assert.equal(
      loadConfig({ ...base, AWS_LAMBDA_FUNCTION_NAME: 'agent', METRICS: 'off' }).telemetry.metrics,
      'off',
    );
  });

  it('reads METRICS, OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME', () => {
    assert.deepEqual(
      loadConfig({
        ...base,
        METRICS: 'emf',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_SERVICE_NAME: 'ce-prod',
      }).telemetry,
      { metrics: 'emf', otlpEndpoint: 'http://127.0.0.1:4318', serviceName: 'ce-prod' },
    );
  });

  it('refuses values it does not know, naming the variable', () => {
    assert.throws(
      () => loadConfig({ ...base, METRICS: 'prometheus' }),
      (e: Error) => e instanceof ConfigError && /METRICS/.test(e.message),
    );
    for (const endpoint of ['not a url', 'file:///etc/passwd', 'javascript:alert(1)'])
      assert.throws(
        () => loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
        (e: Error) => e instanceof ConfigError && /OTEL_EXPORTER_OTLP_ENDPOINT/.test(e.message),
        endpoint,
      );
  });
});
