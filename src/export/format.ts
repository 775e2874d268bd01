/** The streamed formats: one JSON object per entry, either an OCSF event or the JSONL record. */
import { ShiplogError } from '../errors.ts';
import { entryTimeMs, entryType, type ExportEntry } from './entry.ts';
import { jsonlLine } from './jsonl.ts';
import { approvalSeverity, toOcsf, type OcsfOptions, type SeverityName } from './ocsf.ts';
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

const SYSLOG_SEVERITY: Record<SeverityName, number> = {
  informational: 6,
  low: 5, // notice
  medium: 4, // warning
  high: 3, // error
  critical: 2,
};

/** RFC 5424 severity, as loud as the OCSF event: a change that skipped or overrode approval stands out. */
export function syslogSeverity(entry: ExportEntry): number {
  return SYSLOG_SEVERITY[approvalSeverity(entry)];
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
