/**
 * A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1 and a free port: it accepts every
 * message, parses it (mailparser) and keeps it, so a test reads back exactly what was sent. `refuse` makes it
 * answer a recipient with an SMTP error code (550: permanent, 451: passing).
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface TestSmtp {
  port: number;
  messages: { to: string[]; mail: ParsedMail }[];
  /** answer RCPT TO for this address with the code: 550 (permanent) or 451 (try later) */
  refuse: Map<string, number>;
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** `users`: accepted logins (AUTH PLAIN/LOGIN, without TLS on the loopback); a wrong password is refused with 535. */
export async function startSmtp(users: Record<string, string> = { motcua: 's3cret-pass' }): Promise<TestSmtp> {
  const messages: TestSmtp['messages'] = [];
  const refuse = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username && users[auth.username] === auth.password) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refuse.get(address.address);
      if (code) {
        const err = Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return {
    port,
    messages,
    refuse,
    async waitFor(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} message(s), got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
