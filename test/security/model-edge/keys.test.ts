/** The model edge under attack (a model server or provider answering as a stranger would): a key a provider echoes, whole or in part: never in an event, a log line or a thrown message. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_ACTOR } from '../../../backend/src/core/auth/authenticator';
import { FileMemoryStore } from '../../../backend/src/core/memory/file-store';
import * as A from '../../fakes/anthropic';
import * as G from '../../fakes/gemini';
import * as O from '../../fakes/openai';
import { chat, inProcessService } from '../../support/in-process';
import { collect, failure } from '../../unit/core/model/provider-suite';
import { storedText } from '../store-files';
import { OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY, leaked, lines, useHostileFakes } from './support';

describe('security: a hostile model server: a key a provider echoes, whole or in part', function () {
  this.timeout(30_000);
  const { openai, anthropic, gemini, oai, claude, gem } = useHostileFakes();

  describe('a key echoed by the provider', () => {
    it('OpenAI-compatible: a prefix or suffix of the key in an error message is scrubbed', async () => {
      const said = `Key ${OPENAI_KEY.slice(0, 14)}... (ending ${OPENAI_KEY.slice(-10)}) may not use gpt-4.1`;
      openai.enqueue(O.httpError(403, said));
      const error = await failure(collect(oai()));
      assert.equal(error.kind, 'access');
      assert.deepEqual(leaked(OPENAI_KEY, error.message), [], error.message);
    });

    it('OpenAI-compatible: a key in a mid-stream error event is scrubbed', async () => {
      openai.enqueue({
        steps: [
          O.chunk({ content: 'par' }),
          {
            kind: 'chunk',
            data: { error: { message: `upstream refused ${OPENAI_KEY.slice(3, 20)}`, type: 'x' } },
          },
        ],
      });
      const error = await failure(collect(oai()));
      assert.deepEqual(leaked(OPENAI_KEY, error.message), [], error.message);
    });

    it('Anthropic: a part of the key in a stream error event is scrubbed', async () => {
      anthropic.enqueue(A.streamError('overloaded_error', `busy for key …${ANTHROPIC_KEY.slice(-12)}`));
      const error = await failure(collect(claude()));
      assert.equal(error.kind, 'unavailable');
      assert.deepEqual(leaked(ANTHROPIC_KEY, error.message), [], error.message);
    });

    it('Gemini: a part of the key in an error body is scrubbed', async () => {
      gemini.enqueue(G.httpError(400, 'INVALID_ARGUMENT', `Bad request for ${GEMINI_KEY.slice(0, 11)}****`));
      const error = await failure(collect(gem()));
      assert.deepEqual(leaked(GEMINI_KEY, error.message), [], error.message);
    });

    it('never reaches the client, the log or the store, whatever field of the error it rides in', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ce-hostile-key-'));
      const memory = new FileMemoryStore(dir);
      const { out, log } = lines();
      const agent = inProcessService({ memory, model: oai(), log });
      const scripts: O.Script[] = [
        // The key as the error's code and type, which the SDK copies onto its error object.
        {
          httpError: {
            status: 400,
            error: { message: `bad ${OPENAI_KEY}`, type: OPENAI_KEY, code: `key_${OPENAI_KEY}` },
          },
          steps: [],
        },
        {
          httpError: { status: 500, error: { message: `oops ${OPENAI_KEY.slice(0, 16)}`, code: OPENAI_KEY } },
          steps: [],
        },
        {
          steps: [
            O.chunk({ content: 'hi' }),
            { kind: 'chunk', data: { error: { message: 'x', code: OPENAI_KEY, type: OPENAI_KEY.slice(5) } } },
          ],
        },
      ];
      for (const script of scripts) {
        openai.enqueue(script, script, script);
        const { events } = await chat(agent, LOCAL_ACTOR, { message: 'hello' });
        assert.equal(events.at(-1)!.type, 'error');
        assert.deepEqual(leaked(OPENAI_KEY, JSON.stringify(events)), [], JSON.stringify(events.at(-1)));
      }
      assert.ok(out.length > 0, 'the failures were logged');
      assert.deepEqual(leaked(OPENAI_KEY, out.join('')), [], out.join(''));
      assert.deepEqual(leaked(OPENAI_KEY, storedText(dir)), []);
    });
  });
});
