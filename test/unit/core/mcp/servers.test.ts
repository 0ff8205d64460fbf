import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../../backend/src/core/config';
import { exposedToolName } from '../../../../backend/src/core/mcp/names';
import {
  AWS_KNOWLEDGE_SERVER,
  AWS_KNOWLEDGE_URL,
  McpServerList,
} from '../../../../backend/src/core/mcp/servers';

const env = (MCP_SERVERS: string) => ({ AUTH_MODE: 'none', MCP_SERVERS });

describe('MCP_SERVERS', () => {
  it('takes servers, headers, a timeout, and the AWS Knowledge preset by name', () => {
    const config = loadConfig(
      env(
        JSON.stringify([
          {
            name: 'docs',
            url: 'https://mcp.example.com/mcp',
            headers: { 'x-api-key': 'k' },
            timeoutSeconds: 5,
          },
          { name: 'local_1', url: 'http://127.0.0.1:9000/mcp' },
          'aws-knowledge',
        ]),
      ),
    );
    assert.deepEqual(config.mcpServers, [
      { name: 'docs', url: 'https://mcp.example.com/mcp', headers: { 'x-api-key': 'k' }, timeoutSeconds: 5 },
      { name: 'local_1', url: 'http://127.0.0.1:9000/mcp' },
      AWS_KNOWLEDGE_SERVER,
    ]);
    assert.equal(AWS_KNOWLEDGE_SERVER.url, AWS_KNOWLEDGE_URL);
    assert.deepEqual(loadConfig({ AUTH_MODE: 'none' }).mcpServers, []);
  });

  const bad: [string, unknown][] = [
    ['not JSON', '[{'],
    ['not an array', { name: 'a', url: 'https://a.example' }],
    ['a plain-http remote server', [{ name: 'a', url: 'http://mcp.example.com/mcp' }]],
    ['http to a host that only looks local', [{ name: 'a', url: 'http://127.0.0.1.evil.example/mcp' }]],
    ['another scheme', [{ name: 'a', url: 'file:///etc/passwd' }]],
    ['credentials in the URL', [{ name: 'a', url: 'https://user:pw@mcp.example.com' }]],
    ['a name with a dot', [{ name: 'a.b', url: 'https://a.example' }]],
    ['a name too long', [{ name: 'x'.repeat(33), url: 'https://a.example' }]],
    ['an empty name', [{ name: '', url: 'https://a.example' }]],
    [
      'the same name twice',
      [
        { name: 'A', url: 'https://a.example' },
        { name: 'a', url: 'https://b.example' },
      ],
    ],
    [
      'a header value with a line break',
      [{ name: 'a', url: 'https://a.example', headers: { x: 'v\r\nInjected: 1' } }],
    ],
    ['a bad header name', [{ name: 'a', url: 'https://a.example', headers: { 'bad name': 'v' } }]],
    ['an unknown field', [{ name: 'a', url: 'https://a.example', command: 'rm -rf /' }]],
    [
      'a read-only list (presets only)',
      [{ name: 'a', url: 'https://a.example', readOnlyTools: ['delete_all'] }],
    ],
    ['an unknown preset', ['evil-preset']],
    ['a zero timeout', [{ name: 'a', url: 'https://a.example', timeoutSeconds: 0 }]],
  ];
  for (const [what, value] of bad)
    it(`stops start-up with a ConfigError naming MCP_SERVERS: ${what}`, () => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      assert.throws(
        () => loadConfig(env(text)),
        (error: unknown) => error instanceof ConfigError && /MCP_SERVERS/.test(error.message),
      );
    });

  it('never echoes a header value in the error', () => {
    const secret = 'sk-live-DO-NOT-LEAK-0123456789';
    try {
      loadConfig(env(JSON.stringify([{ name: 'a b', url: 'https://a.example', headers: { auth: secret } }])));
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(!(error as Error).message.includes(secret));
    }
  });

  it('the settings use the same schema', () => {
    assert.equal(McpServerList.safeParse([{ name: 'ok', url: 'https://a.example' }]).success, true);
    assert.equal(McpServerList.safeParse([{ name: 'ok', url: 'http://10.0.0.1/' }]).success, false);
  });
});

describe('MCP tool names', () => {
  it('keeps <server>__<tool> when Bedrock accepts it', () => {
    assert.equal(exposedToolName('docs', 'search_documentation'), 'docs__search_documentation');
  });

  it('cleans, cuts and tells apart names Bedrock would refuse, the same way every time', () => {
    const names = ['files.read', 'files/read', 'files read', 'x'.repeat(100), `${'x'.repeat(100)}y`];
    const exposed = names.map((n) => exposedToolName('srv', n));
    for (const name of exposed) assert.match(name, /^srv__[a-zA-Z0-9_-]{1,59}$/);
    assert.equal(new Set(exposed).size, names.length);
    assert.deepEqual(
      names.map((n) => exposedToolName('srv', n)),
      exposed,
    );
    assert.match(exposedToolName('s'.repeat(32), 'ü'.repeat(80)), /^[a-zA-Z0-9_-]{1,64}$/);
  });
});
