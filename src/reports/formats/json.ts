/**
 * JSON exports, streamed: the weekly review is written as one object whose `dossiers` array goes out
 * row by row as the rows are read, followed by the totals, rankings and follow-up computed on the way.
 * The result parses as ordinary JSON: {...header, dossiers: [...], followUp, totals, worstProcedures, worstUnits},
 * the shape of WeeklyReviewJsonSchema (../report-schemas.ts).
 */
import type { Writable } from 'node:stream';
import type { MonthlyReport } from '../report-schemas';
import type { WeeklyReview } from '../weekly-review';
import { TextSink } from './csv';

/** Streams the weekly review as JSON and ends the output. */
export async function writeWeeklyReviewJson(out: Writable, review: WeeklyReview): Promise<void> {
  const sink = new TextSink(out);
  const head = JSON.stringify(review.header);
  await sink.push(`${head.slice(0, -1)},"dossiers":[`);
  let first = true;
  for await (const d of review.dossiers()) {
    await sink.push((first ? '\n' : ',\n') + JSON.stringify(d));
    first = false;
  }
  const tail = await review.finish();
  await sink.push(`\n],"followUp":${JSON.stringify(tail.followUp)},"totals":${JSON.stringify(tail.totals)}`);
  await sink.push(`,"worstProcedures":${JSON.stringify(tail.worstProcedures)},"worstUnits":${JSON.stringify(tail.worstUnits)}}\n`);
  await sink.end();
}

/** Writes the monthly report as JSON and ends the output. */
export async function writeMonthlyReportJson(out: Writable, report: MonthlyReport): Promise<void> {
  const sink = new TextSink(out);
  await sink.push(JSON.stringify(report) + '\n');
  await sink.end();
}
