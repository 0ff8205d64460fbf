import assert from 'node:assert/strict';
import { resultText, resultValue } from '../../../../backend/src/core/mcp/result';
import { modelSchema } from '../../../../backend/src/core/mcp/tool';
import { ToolError } from '../../../../backend/src/core/tools/types';

describe('MCP results and schemas', () => {
  it('joins text, names links and resources, and leaves images out', () => {
    const text = resultText({
      content: [
        { type: 'text', text: 'first' },
        { type: 'resource_link', name: 'NAT gateways', uri: 'https://docs.aws.amazon.com/vpc/' },
        { type: 'resource', resource: { uri: 'file:///x', text: 'inline' } },
        { type: 'image', mimeType: 'image/png' },
      ],
    });
    assert.equal(
      text,
      'first\n\n[NAT gateways](https://docs.aws.amazon.com/vpc/)\n\ninline\n\n[image content (image/png) omitted]',
    );
  });

  it('reports an error result as a ToolError with its text', () => {
    assert.throws(
      () => resultText({ isError: true, content: [{ type: 'text', text: 'no such page' }] }),
      (e: unknown) => e instanceof ToolError && e.message === 'no such page',
    );
  });

  it('hands a JSON answer over as a value, and structured content when there is no text', () => {
    assert.deepEqual(resultValue({ content: [{ type: 'text', text: '[{"url":"https://a"}]' }] }), [
      { url: 'https://a' },
    ]);
    assert.equal(resultValue({ content: [{ type: 'text', text: '[not json' }] }), '[not json');
    assert.deepEqual(resultValue({ content: [], structuredContent: { ok: true } }), { ok: true });
  });

  it('cuts past the cap with a note', () => {
    const text = resultText({ content: [{ type: 'text', text: 'a'.repeat(50) }] }, 10);
    assert.equal(text, `${'a'.repeat(10)}\n[cut: 40 of 50 characters; ask for less]`);
  });

  it('gives Bedrock an object schema without the $schema tag', () => {
    assert.deepEqual(
      modelSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        required: ['q'],
        properties: { q: { type: 'string' } },
      }),
      { type: 'object', required: ['q'], properties: { q: { type: 'string' } } },
    );
    assert.deepEqual(modelSchema(undefined), { type: 'object', properties: {} });
  });
});
