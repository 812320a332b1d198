/**
 * The corpus (docs/corpus.md): every anonymised history under test/fixtures/corpus/*.jsonl is replayed through the
 * chart and must reach the facts the database held for it: final state, timeliness, due dates, step, result, and
 * the flags raised on the way (pauses, restarts, step overruns, timely apologies). MOTCUA_CORPUS_CHART=N replays
 * every history through chart version N instead of its own: how a centre checks a new chart version against its
 * exported production histories before it goes live.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkHistory, parseCorpus, pathOf, type CorpusHistory } from '../../src/corpus/corpus';

const DIR = path.resolve(__dirname, '..', 'fixtures', 'corpus');
const FILES = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();
const CHART = process.env.MOTCUA_CORPUS_CHART ? Number(process.env.MOTCUA_CORPUS_CHART) : undefined;

test('there is a corpus to replay', () => {
  expect(FILES).toContain('seed-generated.jsonl');
});

describe.each(FILES)('corpus %s', (file) => {
  const { header, histories } = parseCorpus(fs.readFileSync(path.join(DIR, file), 'utf8'));

  test('the header counts the histories', () => {
    expect(histories.length).toBe(header.histories);
    expect(histories.length).toBeGreaterThan(0);
  });

  test(`every history replays${CHART === undefined ? '' : ` through chart version ${CHART}`} to its final state, timeliness and flags`, () => {
    const failures = histories.map((h) => ({ code: h.code, differences: checkHistory(h, CHART) })).filter((f) => f.differences.length > 0);
    expect(failures).toEqual([]);
  });
});

describe('the generated corpus covers every path a dossier takes', () => {
  const { histories } = parseCorpus(fs.readFileSync(path.join(DIR, 'seed-generated.jsonl'), 'utf8'));
  const some = (p: (h: CorpusHistory) => boolean) => histories.filter(p).length;

  test.each([
    ['late', (h: CorpusHistory) => h.expected.finalTimeliness === 'late'],
    ['early', (h: CorpusHistory) => h.expected.finalTimeliness === 'early'],
    ['on time', (h: CorpusHistory) => h.expected.finalTimeliness === 'on_time'],
    ['apologised', (h: CorpusHistory) => h.expected.apologies > 0],
    ['supplemented', (h: CorpusHistory) => h.expected.supplements > 0],
    ['paused', (h: CorpusHistory) => h.expected.flags.pauses > 0],
    ['a step over its budget', (h: CorpusHistory) => h.expected.flags.stepOverruns > 0],
    ['refused in writing', (h: CorpusHistory) => h.expected.outcome === 'refused'],
    ['refused at intake', (h: CorpusHistory) => h.expected.state === 'refused_intake'],
    ['withdrawn', (h: CorpusHistory) => h.expected.state === 'withdrawn'],
    ['returned', (h: CorpusHistory) => h.expected.state === 'returned'],
    [
      'still open',
      (h: CorpusHistory) =>
        ['submitted', 'received', 'assigned', 'processing', 'awaiting_supplement', 'paused', 'result'].includes(h.expected.state),
    ],
    ['overdue while open', (h: CorpusHistory) => h.expected.timeliness === 'overdue' && h.expected.resultAt === null],
  ])('%s', (_name, p) => {
    expect(some(p)).toBeGreaterThan(0);
  });

  test('at least 40 distinct paths', () => {
    expect(new Set(histories.map((h) => pathOf(h.expected))).size).toBeGreaterThanOrEqual(40);
  });
});

describe('the corpus check fails when the chart no longer reaches the stored facts', () => {
  const { histories } = parseCorpus(fs.readFileSync(path.join(DIR, 'seed-generated.jsonl'), 'utf8'));

  test('a history whose expected state was changed is reported', () => {
    const h = histories.find((x) => x.expected.state === 'returned')!;
    expect(checkHistory({ ...h, expected: { ...h.expected, state: 'result' } })).toEqual([
      { field: 'state', expected: 'result', replayed: 'returned' },
    ]);
  });

  test('a history the chart refuses part of is reported with the event it stopped at', () => {
    const h = histories.find((x) => x.expected.state === 'returned')!;
    const events = h.events.filter((e) => e.type !== 'RECORD_RESULT' && e.type !== 'REFUSE');
    const [difference] = checkHistory({ ...h, events });
    expect(difference).toMatchObject({ field: '(replay)' });
    expect(String(difference!.replayed)).toMatch(/RETURN_RESULT\) is not accepted/);
  });

  test('a flag the replay does not raise is reported', () => {
    const h = histories.find((x) => x.expected.flags.stepOverruns > 0)!;
    const events = h.events.filter((e) => e.type !== 'STEP_OVERDUE');
    expect(checkHistory({ ...h, events }).map((d) => d.field)).toContain('flags.stepOverruns');
  });
});
