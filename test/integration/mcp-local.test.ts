import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamEvent } from '../../backend/src/protocol';
import { LocalConnection } from '../../extension/connection/local-connection';
import { BedrockFake, textTurn, toolTurn } from '../fakes/bedrock';
import { McpServerFake } from '../fakes/mcp-server';

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

describe('local mode: MCP servers from the cloudEngineer.mcp settings', () => {
  const bedrock = new BedrockFake();
  const docs = new McpServerFake([
    {
      name: 'search_documentation',
      readOnly: true,
      run: (a) => `[{"title":"${String(a.query)}","url":"https://docs.aws.amazon.com/lambda/"}]`,
    },
  ]);
  before(() => Promise.all([bedrock.start(), docs.start()]));
  after(() => Promise.all([bedrock.stop(), docs.stop()]));

  const connect = (extra: Partial<ConstructorParameters<typeof LocalConnection>[0]>) =>
    new LocalConnection({
      storageDir: mkdtempSync(join(tmpdir(), 'ce-local-mcp-')),
      bedrockEndpoint: bedrock.url,
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
      ...extra,
    });

  it('offers and calls the tools of a server from the setting; a server named like the preset replaces it', async () => {
    // Named aws-knowledge with the preset on: this entry is used, so nothing leaves the machine.
    const connection = connect({
      mcpServers: [{ name: 'aws-knowledge', url: docs.url }],
      awsKnowledge: true,
    });
    bedrock.enqueue(
      toolTurn([{ id: 'tu-1', name: 'aws-knowledge__search_documentation', input: { query: 'Lambda' } }]),
      textTurn(['See the Lambda guide.']),
    );
    const events = await collect(
      connection.chat({ message: 'lambda best practices' }, new AbortController().signal),
    );
    assert.equal(events.at(-1)!.type, 'done');
    assert.deepEqual(docs.calls, [{ tool: 'search_documentation', args: { query: 'Lambda' } }]);
    const toolText: string = bedrock.requests.at(-1)!.body.messages.at(-1).content[0].toolResult
      .content[0].text;
    assert.ok(
      toolText.endsWith('[{"title":"Lambda","url":"https://docs.aws.amazon.com/lambda/"}]'),
      toolText,
    );
  });

  it('names the setting when an entry is wrong', async () => {
    const connection = connect({ mcpServers: [{ name: 'docs', url: 'http://docs.example.com/mcp' }] });
    await assert.rejects(
      connection.invoke({ action: 'listSessions' }),
      (error: Error & { kind?: string }) => {
        assert.equal(error.kind, 'not_configured');
        assert.match(error.message, /^cloudEngineer\.mcp\.servers\[0\]\.url: must be https/);
        return true;
      },
    );
  });
});
