/**
 * Requests Node's HTTP parser refuses itself — a malformed request line, bytes a URL or header may not
 * hold, headers over the size limit — never reach Express: by default Node writes a bare
 * "400 Bad Request" and closes. `answerClientErrors` makes those answers keep the API's error shape
 * ({error: {code, message, details}}, JSON) too. Call it once on the server that serves the app.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

function answer(err: NodeJS.ErrnoException): { status: number; body: object } {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, body: { error: { code: 'HEADERS_TOO_LARGE', message: 'Phần đầu (header) của yêu cầu quá lớn', details: {} } } };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, body: { error: { code: 'REQUEST_TIMEOUT', message: 'Yêu cầu gửi quá chậm', details: {} } } };
  }
  return {
    status: 400,
    body: {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Yêu cầu HTTP không hợp lệ',
        details: { issues: [{ field: '(request)', code: 'invalid', reason: 'malformed HTTP request (request line, URL or headers)' }] },
      },
    },
  };
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, body } = answer(err);
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${json}`,
    );
  });
}
