/**
 * What every destination looks like to the forwarder. `send` resolves only when the batch is
 * delivered as far as the transport can know (acknowledged for RELP and HEC, written and flushed
 * for plain syslog over TCP/TLS) and rejects otherwise; the forwarder moves its cursor on that word.
 */
export interface OutboundMessage {
  /** The entry hash: the same entry sent twice carries the same id, so a receiver can drop copies. */
  id: string;
  /** The formatted event (OCSF or JSONL), one JSON object. */
  body: string;
  seq?: number;
  /** Short entry type, e.g. `deploy` (syslog MSGID, HEC sourcetype suffix). */
  type?: string;
  /** Milliseconds since the epoch: when the change happened, not when it was sent. */
  time?: number;
  /** RFC 5424 severity 0-7 (6 informational when absent). */
  severity?: number;
  /**
   * The body made to fit in this many bytes (see export/truncate.ts: lists cut, what was cut named
   * in the event); absent for a body that cannot be made smaller.
   */
  shrink?: (maxBodyBytes: number, maxMessageBytes?: number) => string;
}

/** The default `--max-message-bytes`: rsyslog's default maximum message size (8 KB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 8192;
/** RFC 5424 §6.1: a receiver SHOULD accept 2048 octets; less leaves no room for an event. */
export const MIN_MAX_MESSAGE_BYTES = 2048;

/**
 * `m` with a body of at most `maxBodyBytes` bytes (the same message when it fits); `limit` is the
 * message limit the body budget comes from, as the event's note names it.
 */
export function withBodyWithin(
  m: OutboundMessage,
  maxBodyBytes: number,
  limit = maxBodyBytes,
): OutboundMessage {
  if (Buffer.byteLength(m.body, 'utf8') <= maxBodyBytes) return m;
  if (!m.shrink) {
    throw new DeliveryError(
      `the event for ${m.id} is larger than ${maxBodyBytes} bytes and cannot be cut`,
      false,
    );
  }
  return { ...m, body: m.shrink(maxBodyBytes, limit) };
}

export interface Transport {
  /** For logs and the cursor: scheme, host and port only, never a token. */
  readonly destination: string;
  send(batch: readonly OutboundMessage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Why a send failed, for the forwarder's retry decision: a collector that is down or busy may
 * take the batch later; one that refused it (bad token, malformed data) never will.
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliveryError';
    this.retryable = retryable;
  }
}

export function isRetryable(e: unknown): boolean {
  // Anything not classified (a socket error, a timeout) is treated as a transient network problem.
  return e instanceof DeliveryError ? e.retryable : true;
}
