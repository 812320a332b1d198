/**
 * Draining an HTTP server on shutdown. `server.close()` stops accepting connections (new ones are
 * refused) but waits for every open connection, and a client's idle keep-alive connection can stay
 * open for its keep-alive timeout or take one more request. So, once draining starts:
 * - every answer not yet sent, and every request that still arrives on an open connection, carries
 *   `Connection: close`, so the socket closes right after its answer;
 * - idle connections are closed at once and again every `idleSweepMs` (a connection becomes idle
 *   when its last answer is written);
 * - after `timeoutMs`, whatever is still open is cut (`closeAllConnections`) and `forced` is reported.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface DrainResult {
  /** true when the timeout passed and open connections were cut */
  forced: boolean;
  /** requests that were still being answered when draining started */
  inFlightAtStart: number;
  elapsedMs: number;
}

export interface HttpDrain {
  readonly draining: boolean;
  /** requests being answered now */
  inFlight(): number;
  drain(timeoutMs: number): Promise<DrainResult>;
}

export function trackForDrain(server: Server, idleSweepMs = 50): HttpDrain {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let result: Promise<DrainResult> | null = null;

  // Prepended so it runs before the application's handler starts writing.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });

  const drain = (timeoutMs: number): Promise<DrainResult> => {
    if (result) return result;
    draining = true;
    const started = performance.now();
    const inFlightAtStart = inFlight.size;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    result = new Promise<DrainResult>((resolve) => {
      let forced = false;
      const sweep = setInterval(() => server.closeIdleConnections(), idleSweepMs);
      const deadline = setTimeout(() => {
        forced = true;
        server.closeAllConnections();
      }, timeoutMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        resolve({ forced, inFlightAtStart, elapsedMs: Math.round(performance.now() - started) });
      });
      server.closeIdleConnections();
    });
    return result;
  };

  return {
    get draining() {
      return draining;
    },
    inFlight: () => inFlight.size,
    drain,
  };
}
