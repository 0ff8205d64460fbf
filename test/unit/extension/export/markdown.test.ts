import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { Session, Turn } from '../../../../backend/src/protocol';
import { fetchWholeSession } from '../../../../extension/export/fetch-session';
import { exportFileName } from '../../../../shared/file-name';
import { closeOpenFence, code, fenced, sessionToMarkdown } from '../../../../extension/export/markdown';

const session: Session = {
  sessionId: 's-1',
  title: 'Why is my Lambda slow?',
  createdAt: '2026-11-27T10:00:00.000Z',
  updatedAt: '2026-11-27T10:05:00.000Z',
  turnCount: 2,
};
const turns: Turn[] = [
  { role: 'user', text: 'Why is `fn` slow?', createdAt: '2026-11-27T10:00:00.000Z', status: 'complete' },
  {
    role: 'assistant',
    text: 'Here is the code:\n```ts\nconst x = 1;\n```\nand a 4-tick run ```` too.',
    createdAt: '2026-11-27T10:00:05.000Z',
    status: 'complete',
    usage: { inputTokens: 1234, outputTokens: 567 },
    toolCalls: [
      { id: 't1', name: 'lambda_get_function', input: { name: 'fn' }, status: 'success', readOnly: true },
      {
        id: 't2',
        name: 'cloudformation_execute_change_set',
        input: { note: 'a ``` fence in input' },
        status: 'denied',
        details: { changes: [{ action: 'Remove', logicalId: 'Bucket|x', type: 'AWS::S3::Bucket' }] },
      },
    ],
  },
];

const md = new MarkdownIt();

describe('export: conversation as Markdown', () => {
  it('has the title, dates, each turn with role and time, and the tool calls', () => {
    const out = sessionToMarkdown({ session, turns });
    assert.match(out, /^# Why is my Lambda slow\?\n/);
    assert.match(out, /Started: 2026-11-27 10:00:00 UTC/);
    assert.match(out, /## 1\. User · 2026-11-27 10:00:00 UTC/);
    assert.match(out, /## 2\. Assistant · 2026-11-27 10:00:05 UTC/);
    assert.match(out, /Tool call: `lambda_get_function` — succeeded \(read-only\)/);
    assert.match(out, /Tool call: `cloudformation_execute_change_set` — denied/);
    assert.match(out, /"name": "fn"/);
    assert.match(out, /Bucket\\\|x/, 'a pipe in a table cell is escaped');
    assert.match(out, /_1,234 in · 567 out tokens_/);
  });

  it('keeps fences in the text and the input from breaking the document', () => {
    const tokens = md.parse(sessionToMarkdown({ session, turns }), {});
    const fences = tokens.filter((t) => t.type === 'fence');
    const json = fences.filter((t) => t.info === 'json');
    assert.equal(json.length, 2, 'both tool inputs are fenced json blocks');
    assert.deepEqual(JSON.parse(json[1]!.content), { note: 'a ``` fence in input' });
    // The tool call headings still render as headings after the turn's own code block.
    const headings = tokens.filter((t) => t.type === 'inline' && /^Tool call/.test(t.content));
    assert.equal(headings.length, 2);
  });

  it('closes a code block a turn leaves open, so later turns stay outside it', () => {
    assert.equal(closeOpenFence('a\n````py\nx\n```'), 'a\n````py\nx\n```\n````');
    assert.equal(closeOpenFence('```\nx\n```'), '```\nx\n```');
    assert.equal(closeOpenFence('~~~\nx'), '~~~\nx\n~~~');
    const cut: Turn = {
      role: 'assistant',
      text: 'Start:\n```bash\naws s3 ls',
      createdAt: turns[0]!.createdAt,
      status: 'interrupted',
    };
    const tokens = md.parse(sessionToMarkdown({ session, turns: [cut, turns[0]!] }), {});
    assert.ok(
      tokens.some((t) => t.type === 'inline' && /^2\. User/.test(t.content)),
      'the next turn is a heading',
    );
  });

  it('fences with a longer run of backticks than the text holds', () => {
    assert.equal(fenced('plain'), '```\nplain\n```');
    assert.ok(fenced('a ```` b').startsWith('`````\n'));
    const tokens = md.parse(fenced('```\nnot the end\n```', 'json'), {});
    assert.equal(tokens.filter((t) => t.type === 'fence').length, 1);
    assert.equal(md.renderInline(code('a`b')), '<code>a`b</code>');
  });

  it('says who approved each approved call, and when', () => {
    const approved: Turn = {
      role: 'assistant',
      text: 'Deleted.',
      createdAt: '2026-11-27T10:06:00.000Z',
      status: 'complete',
      toolCalls: [
        {
          id: 't3',
          name: 'cloudformation_delete_stack',
          input: { stackName: 'old' },
          status: 'success',
          approvedBy: { sub: '1a2b-3c', name: 'alice@example.com', at: '2026-11-27T10:05:30.000Z' },
        },
        {
          id: 't4',
          name: 'cloudformation_execute_change_set',
          input: {},
          status: 'error',
          approvedBy: { sub: '9z', at: '2026-11-27T10:05:40.000Z' },
        },
        { id: 't5', name: 'lambda_get_function', input: {}, status: 'success', readOnly: true },
      ],
    };
    const out = sessionToMarkdown({ session, turns: [approved] });
    assert.match(
      out,
      /— approved, succeeded\n\nApproved by alice@example\\\.com \(`1a2b-3c`\) at 2026-11-27 10:05:30 UTC\n/,
    );
    assert.match(
      out,
      /— failed\n\nApproved by `9z` at 2026-11-27 10:05:40 UTC\n/,
      'a failed call was approved too',
    );
    assert.equal(out.match(/Approved by/g)?.length, 2, 'only calls someone approved');
    const html = md.render(out);
    assert.match(
      html,
      /<p>Approved by alice@example.com \(<code>1a2b-3c<\/code>\) at 2026-11-27 10:05:30 UTC<\/p>/,
    );
  });

  it('keeps an approver’s name from a token as text, not markup', () => {
    const hostile: Turn = {
      role: 'assistant',
      text: '',
      createdAt: '2026-11-27T10:06:00.000Z',
      status: 'complete',
      toolCalls: [
        {
          id: 't6',
          name: 'x',
          input: {},
          status: 'success',
          approvedBy: {
            sub: 'a`b\n## fake',
            name: '[ok](javascript:alert(1)) <img src=x onerror=alert(1)>\n## Approved by admin',
            at: 'not a date',
          },
        },
      ],
    };
    const html = md.render(sessionToMarkdown({ session, turns: [hostile] }));
    assert.doesNotMatch(html, /<img|href=|<h2>fake|<h2>Approved/);
    assert.match(html, /Approved by \[ok\]\(javascript:alert\(1\)\) &lt;img/);
    const disguised = sessionToMarkdown({
      session,
      turns: [
        {
          ...hostile,
          toolCalls: [
            { ...hostile.toolCalls![0]!, approvedBy: { sub: 's\u200b1', name: 'eci\u202ela', at: '' } },
          ],
        },
      ],
    });
    assert.match(
      disguised,
      /Approved by eci la \(`s 1`\)/,
      'bidi and zero-width characters are shown as spaces',
    );
  });

  it('renders a hostile title as text, not markup', () => {
    const title = '# <img src=x onerror=alert(1)> [x](javascript:alert(1))\n## fake';
    const out = sessionToMarkdown({ session: { ...session, title }, turns: [] });
    const html = md.render(out);
    assert.doesNotMatch(html, /<img/);
    assert.doesNotMatch(html, /href=/);
    assert.equal((html.match(/<h[12]>/g) ?? []).length, 1, 'the title stays one heading');
  });
});

describe('export: all pages of a session', () => {
  it('follows the cursor and stops on a repeated one', async () => {
    const requests: (string | undefined)[] = [];
    const whole = await fetchWholeSession(async (r) => {
      requests.push(r.cursor);
      const page = Number(r.cursor ?? 0);
      return { session, turns: [turns[page % 2]!], nextCursor: page < 2 ? String(page + 1) : '2' };
    }, 's-1');
    assert.deepEqual(requests, [undefined, '1', '2']);
    assert.equal(whole.turns.length, 3);
  });
});

describe('export: file name from the title', () => {
  it('keeps a plain title', () =>
    assert.equal(exportFileName('Why is my Lambda slow'), 'Why is my Lambda slow.md'));
  it('drops path separators and traversal', () => {
    assert.equal(exportFileName('../../etc/passwd'), 'etc passwd.md');
    assert.equal(exportFileName('..\\..\\win.ini'), 'win.ini.md');
    assert.doesNotMatch(exportFileName('a/b\\c'), /[\\/]/);
  });
  it('drops characters Windows forbids, control and bidi characters', () => {
    assert.equal(exportFileName('a:b*c?"<d>|e\u0000\u202ef'), 'a b c d e f.md');
  });
  it('falls back for empty, dot-only and reserved names', () => {
    assert.equal(exportFileName(''), 'conversation.md');
    assert.equal(exportFileName(' ... '), 'conversation.md');
    assert.equal(exportFileName('CON'), 'CON-conversation.md');
    assert.equal(exportFileName('lpt1.txt'), 'lpt1.txt-conversation.md');
  });
  it('bounds the length', () => assert.ok(exportFileName('x'.repeat(1000)).length <= 83));
});
