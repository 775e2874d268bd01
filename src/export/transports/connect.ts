/** Opening a TCP or TLS stream to a collector, with the failures sorted into retryable or not. */
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { ShiplogError } from '../../errors.ts';
import { DeliveryError } from './transport.ts';

export interface TlsFiles {
  /** PEM file of the CA(s) to trust for the collector's certificate (instead of the system's). */
  caFile?: string;
  /** PEM client certificate and key, for collectors that ask for one. */
  certFile?: string;
  keyFile?: string;
  /** Name to check the certificate against, when it differs from the URL's host. */
  servername?: string;
  /**
   * Off only on purpose: without verification anyone on the path can read and swallow the
   * evidence. There is no flag for it in the CLI.
   */
  rejectUnauthorized?: boolean;
}

export interface StreamTarget {
  host: string;
  port: number;
  tls?: TlsFiles;
  connectTimeoutMs?: number;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ShiplogError('USAGE', `cannot read the ${what} file ${path}: ${(e as Error).message}`);
  }
}

/** Read once when the transport opens, so a wrong path fails before anything is sent. */
export function tlsOptions(target: StreamTarget): ConnectionOptions {
  const t = target.tls ?? {};
  if ((t.certFile === undefined) !== (t.keyFile === undefined)) {
    throw new ShiplogError('USAGE', 'a client certificate needs both the certificate and its key');
  }
  return {
    host: target.host,
    port: target.port,
    servername: t.servername ?? (isIp(target.host) ? undefined : target.host),
    ca: t.caFile ? readPem(t.caFile, 'CA') : undefined,
    cert: t.certFile ? readPem(t.certFile, 'client certificate') : undefined,
    key: t.keyFile ? readPem(t.keyFile, 'client key') : undefined,
    rejectUnauthorized: t.rejectUnauthorized ?? true,
    minVersion: 'TLSv1.2',
  };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** TLS errors a retry will not cure: the certificate is what it is. */
const CERT_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME|ERR_TLS_CERT_ALTNAME|DEPTH_ZERO|ALERT/i;

export function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message}` : String((e as Error)?.message ?? e);
}

/** Resolves with a connected (and, for TLS, verified) socket. */
export function connectStream(target: StreamTarget, tls: ConnectionOptions | undefined): Promise<Socket> {
  const timeout = target.connectTimeoutMs ?? 10_000;
  const where = `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket: Socket = tls ? tlsConnect(tls) : netConnect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DeliveryError(`no connection to ${where} within ${timeout} ms`, true));
    }, timeout);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      socket.destroy();
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (tls && CERT_ERRORS.test(code + ' ' + e.message)) {
        reject(
          new DeliveryError(
            `TLS to ${where} failed: ${describeError(e)} (the collector's certificate is not trusted for this name; pass its CA with --ca FILE)`,
            false,
            { cause: e },
          ),
        );
      } else reject(new DeliveryError(`cannot connect to ${where}: ${describeError(e)}`, true, { cause: e }));
    });
  });
}
