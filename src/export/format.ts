/** The streamed formats: one JSON object per entry, either an OCSF event or the JSONL record. */
import { ShiplogError } from '../errors.ts';
import { entryTimeMs, entryType, type ExportEntry } from './entry.ts';
import { jsonlLine, jsonlRecord } from './jsonl.ts';
import { entrySeverity, toOcsf, type OcsfOptions, type SeverityName } from './ocsf.ts';
import { JSONL_PLAN, OCSF_PLAN, shrinkEvent } from './truncate.ts';
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

/** OCSF severity → RFC 5424 §6.2.1 severity: the same event sounds as loud on either channel. */
export const SYSLOG_SEVERITY: Record<SeverityName, number> = {
  informational: 6,
  low: 5, // notice
  medium: 4, // warning
  high: 3, // error
  critical: 2,
};

/**
 * RFC 5424 severity, as loud as the OCSF event (`severity_id`): a change that skipped or overrode
 * approval, or a reconciliation that found drift, stands out — in the JSONL stream too.
 */
export function syslogSeverity(entry: ExportEntry): number {
  return SYSLOG_SEVERITY[entrySeverity(entry)];
}

export function outboundMessage(
  entry: ExportEntry,
  format: StreamFormat,
  options: OcsfOptions = {},
): OutboundMessage {
  const event = format === 'ocsf' ? toOcsf(entry, options) : jsonlRecord(entry);
  return {
    id: entry.hash,
    body: JSON.stringify(event),
    seq: entry.seq,
    type: entryType(entry),
    time: entryTimeMs(entry),
    severity: syslogSeverity(entry),
    shrink: (maxBodyBytes, limit) =>
      shrinkEvent(event, entry, format === 'ocsf' ? OCSF_PLAN : JSONL_PLAN, maxBodyBytes, limit),
  };
}
