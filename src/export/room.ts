/**
 * What `shiplog export` and `shiplog forward` use from the export room, in one module the CLI
 * imports only when one of them runs (one chunk in the bundle): the formats and the transports
 * are no business of a `record` or `log` process.
 */
export { formatCheckpointSet, parseCheckpointSet, type CheckpointSet } from './checkpoint-set.ts';
export { csvHeader, csvLine, exportCsvRow } from './csv.ts';
export { readCursor, type Cursor } from './cursor.ts';
export { formatBody, parseStreamFormat, type StreamFormat } from './format.ts';
export { forward, type ForwardResult } from './forward.ts';
export { writeFileAtomically, writeToStdout } from './out-file.ts';
export { openTransport } from './transports/open.ts';
export { parseMaxMessageBytes, parseSdId } from './syslog.ts';
export { forwardLedgers } from './forward-ledger.ts';
export { refuseUnlessVerified, tipCheckpoint, verifyAll } from './verified-ledgers.ts';
