import assert from 'node:assert/strict';
import type { Session } from '../../../../backend/src/protocol';
import {
  exchangesLabel,
  groupOf,
  groupSessions,
  relativeTime,
} from '../../../../extension/sessions/grouping';
import { PAGE_SIZE, SessionsModel } from '../../../../extension/sessions/sessions-model';

const now = new Date(2026, 10, 22, 15, 0, 0); // local time
const at = (days: number, hours = 0) =>
  new Date(now.getTime() - days * 86_400_000 - hours * 3_600_000).toISOString();
const session = (id: string, updatedAt: string): Session => ({
  sessionId: id,
  title: id,
  createdAt: updatedAt,
  updatedAt,
  turnCount: 2,
});

describe('session grouping', () => {
  it('puts sessions in Today, Yesterday, Previous 7 Days and Older by local day', () => {
    const midnight = new Date(2026, 10, 22, 0, 0, 0);
    assert.equal(groupOf(midnight.toISOString(), now), 'Today');
    assert.equal(groupOf(new Date(midnight.getTime() - 1).toISOString(), now), 'Yesterday');
    assert.equal(groupOf(at(2), now), 'Previous 7 Days');
    assert.equal(groupOf(at(8), now), 'Older');
  });

  it('lists non-empty groups in order, newest first', () => {
    const groups = groupSessions(
      [
        session('old', at(30)),
        session('today-early', at(0, 5)),
        session('today-late', at(0, 1)),
        session('last-week', at(3)),
      ],
      now,
    );
    assert.deepEqual(
      groups.map((g) => [g.group, g.sessions.map((s) => s.sessionId)]),
      [
        ['Today', ['today-late', 'today-early']],
        ['Previous 7 Days', ['last-week']],
        ['Older', ['old']],
      ],
    );
  });

  it('says how long ago', () => {
    assert.equal(relativeTime(at(0, 0), now), 'just now');
    assert.equal(relativeTime(new Date(now.getTime() - 5 * 60_000).toISOString(), now), '5m ago');
    assert.equal(relativeTime(at(0, 3), now), '3h ago');
    assert.equal(relativeTime(at(4), now), '4d ago');
  });
});

describe('SessionsModel paging', () => {
  const all = Array.from({ length: 120 }, (_, i) => session(`s${String(i).padStart(3, '0')}`, at(0, i)));
  const requests: { limit: number; cursor?: string; query?: string }[] = [];
  const fetchPage = async (r: { limit: number; cursor?: string; query?: string }) => {
    requests.push(r);
    const list = all.filter((s) => !r.query || s.title.includes(r.query));
    const start = r.cursor ? Number(r.cursor) : 0;
    const page = list.slice(start, start + r.limit);
    return start + r.limit < list.length
      ? { sessions: page, nextCursor: String(start + r.limit) }
      : { sessions: page };
  };
  beforeEach(() => (requests.length = 0));

  it('loads pages of 50 and follows the cursor', async () => {
    const model = new SessionsModel(fetchPage);
    await model.reload();
    assert.equal(model.sessions.length, PAGE_SIZE);
    await model.loadMore();
    await model.loadMore();
    assert.equal(model.sessions.length, 120);
    assert.equal(model.nextCursor, undefined);
    await model.loadMore(); // nothing more to load: no request
    assert.deepEqual(
      requests.map((r) => r.cursor),
      [undefined, '50', '100'],
    );
  });

  it('filters by title through the backend and starts over', async () => {
    const model = new SessionsModel(fetchPage);
    model.setQuery('  s11 ');
    await model.reload();
    assert.deepEqual(
      model.sessions.map((s) => s.sessionId),
      ['s110', 's111', 's112', 's113', 's114', 's115', 's116', 's117', 's118', 's119'],
    );
    assert.equal(requests[0]!.query, 's11');
  });

  it('keeps the newest reload when two race', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let call = 0;
    const model = new SessionsModel(async (r) => {
      if (++call === 1) await gate; // the first reload answers last
      return fetchPage({ ...r, query: call === 1 ? 's000' : 's001' });
    });
    const first = model.reload();
    await model.reload();
    release();
    await first;
    assert.deepEqual(
      model.sessions.map((s) => s.sessionId),
      ['s001'],
    );
  });
});

describe('session counts', () => {
  it('counts a question and its answer as one exchange, not two turns', () => {
    assert.equal(exchangesLabel(2), '1 exchange');
    assert.equal(exchangesLabel(1), '1 exchange', 'a question still unanswered');
    assert.equal(exchangesLabel(4), '2 exchanges');
    assert.equal(exchangesLabel(0), '0 exchanges');
  });
});
