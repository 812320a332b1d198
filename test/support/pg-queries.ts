/**
 * What pg clients send: the text of every query (a string, a config's or a query object's `text`), in order, until
 * `restore()`. For tests counting a transaction's round trips on PostgreSQL (one query, one round trip). The
 * queries of `except` (a test's own connection) are not recorded.
 */
import pg from 'pg';

export function recordPgQueries(except?: pg.Client): { sent: string[]; restore(): void } {
  const sent: string[] = [];
  const original = pg.Client.prototype.query;
  const spy = jest.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    if (this !== except) {
      const config = args[0] as string | { text: string };
      sent.push(typeof config === 'string' ? config : config.text);
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  return { sent, restore: () => spy.mockRestore() };
}
