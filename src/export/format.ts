/** The streamed formats: one JSON object per entry, either an OCSF event or the JSONL record. */
import { ShiplogError } from '../errors.ts';
import { entryTimeMs, entryType, type ExportEntry } from './entry.ts';
import { jsonlLine } from './jsonl.ts';
import { toOcsf, type OcsfOptions } from './ocsf.ts';
import type { OutboundMessage } from './transports/transport.ts';

export const STREAM_FORMATS = ['ocsf', 'jsonl'] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

export function parseStreamFormat(value: string): StreamFormat {
  if ((STREAM_FORMATS as readonly string[]).includes(value)) return value as StreamFormat;
  throw new ShiplogError('USAGE', `unknown format "${value}": use ${STREAM_FORMATS.join(' or ')}`);
}

export function formatBody(entry: ExportEntry, format: StreamFormat, options: OcsfOptions = {}): string {
  return format === 'ocsf' ? JSON.stringify(toOcsf(entry, options)) : jsonlLine(entry);
}

/** RFC 5424 severity: a change that skipped or overrode approval is worth a second look. */
export function syslogSeverity(entry: ExportEntry): number {
  switch (entry.statement.predicate.approval?.status) {
    case 'unapproved':
    case 'overridden':
      return 4; // warning
    case 'no-pull-request':
      return 5; // notice
    default:
      return 6; // informational
  }
}

export function outboundMessage(
  entry: ExportEntry,
  format: StreamFormat,
  options: OcsfOptions = {},
): OutboundMessage {
  return {
    id: entry.hash,
    body: formatBody(entry, format, options),
    seq: entry.seq,
    type: entryType(entry),
    time: entryTimeMs(entry),
    severity: syslogSeverity(entry),
  };
}
