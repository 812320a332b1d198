/**
 * The engine parses an event's payload for files only when its type is in FILE_EVENTS (issue 16: a SUBMIT's
 * payload is ~1 KB of JSON per submission). Every type whose payload `filesOfEvent` can read a file from must be
 * there, or its files would go unchecked and unrecorded.
 */
import { ALL_EVENT_TYPES } from '../../machines/dossier';
import { FILE_EVENTS, filesOfEvent } from '../../machines/documents/rules';

const file = { sha256: 'a'.repeat(64), size: 1, mediaType: 'application/pdf' };
const everyFileField = { documentId: 'd1', version: 2, kind: 'component', file, document: { documentId: 'd1', version: 2, file } };

test('rule: every event type whose payload can carry a file is in FILE_EVENTS', () => {
  const carrying = ALL_EVENT_TYPES.filter((type) => filesOfEvent(type, everyFileField).length > 0);
  expect(carrying.length).toBeGreaterThan(0);
  expect(carrying.filter((type) => !FILE_EVENTS.has(type))).toEqual([]);
});
