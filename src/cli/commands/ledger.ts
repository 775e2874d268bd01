import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import type { LedgerLocation } from '../../ledger/store.ts';
import { AppendError, type NewEntry } from '../../ledger/append.ts';
import {
  checkNewEntry,
  decodeUtf8,
  environmentProblem,
  MAX_DETAILS_BYTES,
} from '../../ledger/record-input.ts';
import { parseWitnessTarget } from '../../witness/client.ts';
import { appendWitnessed, witnessWarnings } from '../../witness/publish.ts';
import type { WitnessCheck } from '../../witness/quorum.ts';
import { checkLedgerWitnesses } from '../../witness/verify-witnesses.ts';
import { renderWitnesses, witnessOptions } from './witness.ts';
import { COMMIT_PATTERN } from '../../ledger/encoding.ts';
import { generateSigningKeyPem } from '../../ledger/keys.ts';
import { renderProblems } from '../../ledger/problem-groups.ts';
import { findEntries, showEntry, streamEntries, type EntryView } from '../../ledger/query.ts';
import { CHANGE_TYPES, RECORDABLE_TYPES, type ChangeType } from '../../ledger/statement.ts';
import { knownEnvironments } from '../../ledger/deployed.ts';
import { defaultJobs, verifyLedger, type VerifyReport } from '../../ledger/verify.ts';
import {
  addLocationOptions,
  checkEnvironmentKnown,
  addShardsOption,
  collect,
  jsonOption,
  forEachLedger,
  positiveInt,
  readTextFile,
  checkedRecordLocation,
  signingKeyFrom,
  trustedKeysFrom,
  type LocationFlags,
} from '../common.ts';
import { colour, inert, inertJson, PagedOutput, printJson, table } from '../output.ts';
import { quietOption, startProgress } from '../progress.ts';
import { checkpointFromFile } from './since-file.ts';

export function registerLedgerCommands(program: Command): void {
  program
    .command('keygen')
    .description('create an Ed25519 signing key pair: DIR/shiplog.key (private, 0600) and DIR/shiplog.pub')
    .requiredOption('--out <dir>', 'folder to write the keys into')
    .option('--force', 'overwrite existing key files')
    .addOption(jsonOption())
    .action((o: { out: string; force?: boolean; json?: boolean }) => {
      const keyFile = join(o.out, 'shiplog.key');
      const pubFile = join(o.out, 'shiplog.pub');
      if (!o.force && (existsSync(keyFile) || existsSync(pubFile))) {
        throw new ShiplogError('USAGE', `${keyFile} or ${pubFile} already exists (use --force to replace)`);
      }
      mkdirSync(o.out, { recursive: true });
      const k = generateSigningKeyPem();
      writeFileSync(keyFile, k.privatePem, { mode: 0o600 });
      chmodSync(keyFile, 0o600);
      writeFileSync(pubFile, k.publicPem, { mode: 0o644 });
      if (o.json) printJson({ keyid: k.keyid, privateKey: keyFile, publicKey: pubFile });
      else {
        process.stdout.write(`keyid ${k.keyid}\n`);
        process.stdout.write(
          `private key: ${keyFile} (keep secret: store it as the SHIPLOG_SIGNING_KEY secret)\n`,
        );
        process.stdout.write(`public key:  ${pubFile} (commit it where verifiers can find it)\n`);
      }
    });

  addLocationOptions(
    program
      .command('record')
      .description('append one signed entry to the ledger')
      .requiredOption('--type <type>', `change type: ${RECORDABLE_TYPES.join(' | ')}`)
      .requiredOption('--commit <sha>', 'the 40-hex commit the change is about')
      .requiredOption('--repo <owner/name>', 'repository of the commit')
      .option('--key <file>', 'PEM private key (default: $SHIPLOG_SIGNING_KEY)')
      .option('--environment <name>', 'deployment environment')
      .option('--branch <name>', 'code branch the commit was deployed from')
      .option(
        '--server-url <url>',
        'git server base URL for the statement subject',
        process.env.GITHUB_SERVER_URL || 'https://github.com',
      )
      .option('--details <file>', "JSON object with the change type's own fields (version, status, files...)")
      .option('--idempotency-key <key>', 'skip the append when an entry with this key already exists')
      .option('--allow-duplicate', 'append even when the idempotency key was already recorded')
      .option(
        '--create',
        'start a new ledger on --ledger-branch even though the remote holds other ledger branches',
      )
      .option(
        '--witness <url=keyfile>',
        'a witness to submit the checkpoint to and publish cosignatures from (repeatable; never blocks the append)',
        collect,
      )
      .addOption(jsonOption()),
  ).action(async (o: RecordFlags) => {
    if (!(RECORDABLE_TYPES as readonly string[]).includes(o.type)) {
      throw new ShiplogError(
        'USAGE',
        `--type must be one of ${RECORDABLE_TYPES.join(', ')} (got "${o.type}")`,
      );
    }
    const commit = o.commit.toLowerCase();
    if (!COMMIT_PATTERN.test(commit))
      throw new ShiplogError('USAGE', `--commit must be a full 40-hex commit sha (got "${o.commit}")`);
    if (!/^[\w.-]+\/[\w.-]+$/.test(o.repo))
      throw new ShiplogError('USAGE', `--repo must be OWNER/NAME (got "${o.repo}")`);
    checkTextFlags(o);
    const details = o.details ? readDetails(o.details) : undefined;
    const entry: NewEntry = {
      type: o.type as ChangeType,
      timestamp: new Date().toISOString(),
      repository: o.repo,
      commit,
      environment: o.environment,
      branch: o.branch,
      idempotency_key: o.idempotencyKey,
      approval: { status: 'not-collected' },
      details,
    };
    // The rules every writer follows (the Action and the app too), before a key is even loaded.
    checkNewEntry(entry);
    const key = signingKeyFrom(o.key);
    const location = await checkedRecordLocation(o, o.repo, (line) => process.stderr.write(`${line}\n`));
    const witnesses = (o.witness ?? []).map((w) => parseWitnessTarget(w));
    try {
      const r = await appendWitnessed(
        {
          location,
          key,
          serverUrl: o.serverUrl,
          allowDuplicate: o.allowDuplicate,
          entry,
          onRetry: (n, why) =>
            process.stderr.write(`shiplog: attempt ${n} did not land (${why}); retrying\n`),
        },
        witnesses,
      );
      for (const w of witnessWarnings(r)) process.stderr.write(`shiplog: warning: ${w}\n`);
      if (o.json)
        printJson({
          seq: r.seq,
          hash: r.hash,
          ledgerCommit: r.commit,
          branch: location.branch,
          duplicate: r.duplicate,
          attempts: r.attempts,
          checkpoint: r.checkpoint,
          ...(witnesses.length ? { witnesses: { before: r.before, after: r.after } } : {}),
        });
      else {
        process.stdout.write(
          r.duplicate
            ? `already recorded as seq ${r.seq} ${r.hash} on ${location.branch} (same idempotency key; nothing appended)\n`
            : `recorded seq ${r.seq} ${r.hash} on ${location.branch}\n`,
        );
      }
    } catch (e) {
      if (e instanceof AppendError) {
        // The evidence must survive a failed append: print the signed envelope for safekeeping.
        process.stderr.write('shiplog: the entry below was signed but not appended; keep it as evidence:\n');
        process.stdout.write(JSON.stringify(e.envelope ?? null) + '\n');
      }
      throw e;
    }
  });

  addShardsOption(
    addLocationOptions(
      program
        .command('verify')
        .description(
          'verify every entry, the chain, the history, the index and the checkpoint against trusted keys',
        )
        .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
        .option(
          '--checkpoint <file>',
          'an older checkpoint the ledger must extend (detects truncation and forks); every entry is still checked',
        )
        .option(
          '--since <file>',
          'a checkpoint verified before (or the saved output of verify --json, which pins the commit it verified): check only the entries after it, and that the ledger extends it',
        )
        .option(
          '--jobs <n>',
          'worker threads for signature checks (default: all cores)',
          positiveInt('--jobs'),
        )
        .option('--witness-key <file>', "a witness's PEM public key (repeatable)", collect)
        .option(
          '--witness-checkpoint <file>',
          'a cosigned checkpoint kept outside the ledger (e.g. from the witness): the ledger must extend it (repeatable)',
          collect,
        )
        .option(
          '--witness-quorum <n>',
          'the ledger must extend a checkpoint cosigned by N of the witness keys (default: all of them)',
          positiveInt('--witness-quorum'),
        )
        .addOption(quietOption())
        .addOption(jsonOption()),
    ),
  ).action(async (o: VerifyFlags) => {
    const trusted = trustedKeysFrom(o.trustedKey);
    const witnessing = witnessOptions(o.witnessKey, o.witnessQuorum, o.witnessCheckpoint);
    const older = o.checkpoint ? readTextFile(o.checkpoint, 'checkpoint') : undefined;
    const sinceFile = o.since
      ? checkpointFromFile(readTextFile(o.since, 'checkpoint given to --since'))
      : undefined;
    const since = sinceFile?.text;
    if (since && o.allShards)
      throw new ShiplogError(
        'USAGE',
        "--since takes one shard's checkpoint; use it with --ledger-branch, not --all-shards",
      );
    const progress = startProgress({ label: 'verifying', quiet: o.quiet, json: o.json });
    const reports: (VerifyReport & { witnesses?: WitnessCheck })[] = await forEachLedger(
      o,
      {},
      async (location) => {
        const { verified: _unused, ...report } = await verifyLedger({
          location,
          trusted,
          olderCheckpoint: older,
          since,
          ...(sinceFile?.commit ? { sinceCommit: sinceFile.commit } : {}),
          jobs: o.jobs ?? defaultJobs(),
          onProgress: (done, total) => progress.update(done, total),
        }).finally(() => progress.finish());
        if (!witnessing) return report;
        const witnesses = await checkLedgerWitnesses(location, report, witnessing);
        return { ...report, ok: report.ok && witnesses.ok, witnesses };
      },
    );
    const ok = reports.every((r) => r.ok);
    if (o.json) printJson(o.allShards ? { ok, shards: reports } : reports[0]);
    else
      process.stdout.write(
        reports
          .map((r) => renderVerify(r, !!o.allShards) + (r.witnesses ? renderWitnesses(r.witnesses) : ''))
          .join('\n'),
      );
    if (!ok) process.exitCode = 1;
  });

  addShardsOption(
    addLocationOptions(
      program
        .command('log')
        .description('list ledger entries, newest first')
        .option('--commit <sha-or-prefix>', 'only entries about this commit (answered from the index)')
        .option('--environment <name>', 'only this environment')
        .option('--type <type>', 'only this change type')
        .option('--repo <owner/name>', 'the shard of this repository, in a central ledger repository')
        .option('--limit <n>', 'at most this many entries (default 100; 0 for all)', limitArg)
        .addOption(jsonOption()),
    ),
    'read every shiplog and shiplog/* branch: the entries of all shards, merged newest first, with a SHARD column',
  ).action(
    async (
      o: LocationFlags & {
        commit?: string;
        environment?: string;
        type?: string;
        repo?: string;
        limit?: number;
        json?: boolean;
      },
    ) => {
      if (o.type !== undefined && !(CHANGE_TYPES as readonly string[]).includes(o.type))
        throw new ShiplogError('USAGE', `--type must be one of ${CHANGE_TYPES.join(', ')} (got "${o.type}")`);
      const limit = o.limit ?? DEFAULT_LOG_LIMIT;
      if (!o.commit && !o.allShards) {
        // Newest first, page by page: the whole ledger never sits in memory, and a pipe that
        // closes early (`| head`) ends the walk.
        await forEachLedger(o, { repository: o.repo }, async (location) => {
          const printer = new LogPrinter(!!o.json);
          for await (const page of streamEntries(location, {
            environment: o.environment,
            type: o.type,
            limit,
          })) {
            if (!(await printer.page(page))) break;
          }
          // Nothing found for an environment: say whether the ledger knows that name at all.
          if (printer.count === 0 && o.environment !== undefined)
            checkEnvironmentKnown(o.environment, await knownEnvironments(location));
          await printer.end();
        });
        return;
      }
      const filter = {
        commit: o.commit,
        environment: o.environment,
        type: o.type,
        limit: limit === 0 ? undefined : limit,
      };
      const known: string[] = [];
      const found = await forEachLedger(o, { repository: o.repo }, async (location) => {
        const hits = await findEntries(location, filter);
        // Nothing found for an environment: say whether the ledger knows that name at all.
        if (hits.length === 0 && o.environment !== undefined)
          known.push(...(await knownEnvironments(location)));
        return hits.map((e) => (o.allShards ? { ...e, branch: location.branch } : e));
      });
      if (found.flat().length === 0 && known.length) checkEnvironmentKnown(o.environment, known);
      const entries: (EntryView & { branch?: string })[] = found.flat();
      // Shards are separate chains: merged by time, newest first.
      if (o.allShards)
        entries.sort((a, b) =>
          b.statement.predicate.timestamp.localeCompare(a.statement.predicate.timestamp),
        );
      const shown = limit ? entries.slice(0, limit) : entries;
      if (o.json) return printJson(shown.map(jsonView));
      if (shown.length === 0) return void process.stdout.write('no matching entries\n');
      process.stdout.write(renderLog(shown, !!o.allShards) + '\n');
    },
  );

  addLocationOptions(
    program
      .command('show')
      .description('show one entry by seq or entry hash')
      .argument('<seq-or-hash>', 'a seq number, or sha256:<hex> (a hex prefix works)')
      .option('--repo <owner/name>', 'the shard of this repository, in a central ledger repository')
      .addOption(jsonOption()),
  ).action(async (ref: string, o: LocationFlags & { repo?: string; json?: boolean }) => {
    const [{ location, e }] = (await forEachLedger(o, { repository: o.repo }, async (location) => ({
      location,
      e: await showEntry(location, ref),
    }))) as [{ location: LedgerLocation; e: EntryView }];
    // The entry's proof of inclusion in the signed checkpoint is one command away.
    const prove = `shiplog prove ${e.seq} --remote ${inert(location.remote)} --ledger-branch ${inert(location.branch)}`;
    if (o.json) return printJson({ ...jsonView(e), envelope: e.envelope, proveCommand: prove });
    process.stdout.write(
      `seq        ${e.seq}\nhash       ${e.hash}\nbranch     ${inert(location.branch)}\n` +
        `ledger     ${e.ledgerCommit ?? '(deeper than a cold look-up walks; see "git log --grep")'}\n` +
        `blob       ${e.blob} (entry.json: git cat-file -p ${e.blob})\n` +
        `proof      ${prove} (an inclusion proof anyone can check offline)\n`,
    );
    process.stdout.write(inertJson(e.statement, 2) + '\n');
  });
}

interface VerifyFlags extends LocationFlags {
  trustedKey?: string[];
  checkpoint?: string;
  since?: string;
  jobs?: number;
  witnessKey?: string[];
  witnessQuorum?: number;
  witnessCheckpoint?: string[];
  json?: boolean;
  quiet?: boolean;
}

interface RecordFlags extends LocationFlags {
  type: string;
  commit: string;
  repo: string;
  key?: string;
  environment?: string;
  branch?: string;
  serverUrl: string;
  details?: string;
  idempotencyKey?: string;
  allowDuplicate?: boolean;
  witness?: string[];
  create?: boolean;
  json?: boolean;
}

/**
 * `--details FILE`: a JSON object of at most MAX_DETAILS_BYTES, in valid UTF-8. The size is checked
 * before reading, so a huge file is refused without loading it.
 */
function readDetails(file: string): Record<string, unknown> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ShiplogError(
      'BAD_INPUT',
      `cannot read details file "${file}": ${missing ? 'no such file' : (e as Error).message}`,
    );
  }
  if (size > MAX_DETAILS_BYTES) {
    throw new ShiplogError(
      'BAD_INPUT',
      `details file "${file}" is ${size} bytes; --details takes at most ${MAX_DETAILS_BYTES} bytes (64 KiB)`,
    );
  }
  const text = decodeUtf8(readFileSync(file), `details file "${file}"`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ShiplogError('BAD_INPUT', `details file "${file}" is not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ShiplogError('BAD_INPUT', `details file "${file}" must hold a JSON object`);
  }
  return v as Record<string, unknown>;
}

/**
 * Flags name the flag that is wrong. The shell hands over bytes; Node turns invalid UTF-8 in them
 * into U+FFFD, so a replacement character is how an invalid argument shows: refused, not recorded.
 */
function checkTextFlags(o: RecordFlags): void {
  const flags: [string, string | undefined][] = [
    ['--environment', o.environment],
    ['--branch', o.branch],
    ['--idempotency-key', o.idempotencyKey],
  ];
  for (const [flag, value] of flags) {
    if (value === undefined) continue;
    if (value.includes('\uFFFD')) throw new ShiplogError('USAGE', `${flag} is not valid UTF-8`);
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new ShiplogError('USAGE', `${flag} must not contain tabs, newlines or control characters`);
  }
  if (o.environment !== undefined) {
    const problem = environmentProblem(o.environment);
    if (problem) throw new ShiplogError('USAGE', `--environment ${problem}`);
  } else if (o.type === 'deploy') {
    throw new ShiplogError(
      'USAGE',
      '--environment is required for --type deploy (the environment deployed to)',
    );
  }
  if (o.branch !== undefined && o.branch.length > 255)
    throw new ShiplogError('USAGE', '--branch is longer than 255 characters');
  if (o.idempotencyKey !== undefined && o.idempotencyKey.length > 500)
    throw new ShiplogError('USAGE', '--idempotency-key is longer than 500 characters');
}

function jsonView(e: EntryView & { branch?: string }): {
  seq: number;
  hash: string;
  blob: string;
  ledgerCommit?: string;
  branch?: string;
  statement: unknown;
} {
  return {
    seq: e.seq,
    hash: e.hash,
    blob: e.blob,
    ledgerCommit: e.ledgerCommit,
    ...(e.branch ? { branch: e.branch } : {}),
    statement: e.statement,
  };
}

export function approvalSummary(e: EntryView): string {
  const a = e.statement.predicate.approval;
  if (!a) return '-';
  const who = Array.isArray(a.approvers)
    ? (a.approvers as { login?: string; stale?: boolean }[])
        .filter((x) => !x.stale)
        .map((x) => x.login)
        .join(',')
    : '';
  return who ? `${a.status} (${who})` : a.status;
}

const DEFAULT_LOG_LIMIT = 100;

function limitArg(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`--limit takes a whole number, 0 for every entry (got "${value}")`);
  return Number(value);
}

const LOG_COLUMNS: { header: string; value: (e: EntryView) => string }[] = [
  { header: 'SEQ', value: (e) => String(e.seq) },
  { header: 'TIME', value: (e) => e.statement.predicate.timestamp.replace(/\.\d+Z$/, 'Z') },
  { header: 'TYPE', value: (e) => e.statement.predicate.type },
  { header: 'ENV', value: (e) => e.statement.predicate.environment ?? '-' },
  { header: 'REPO', value: (e) => e.statement.predicate.repository },
  { header: 'COMMIT', value: (e) => e.statement.predicate.commit.slice(0, 12) },
  {
    header: 'ACTOR',
    value: (e) => String((e.statement.predicate.actor as { login?: string } | undefined)?.login ?? '-'),
  },
  { header: 'APPROVAL', value: approvalSummary },
];

/**
 * `log` output written page by page: a table whose column widths come from the first page (later,
 * longer cells push their row only), or one JSON array written an item at a time. `page` answers
 * false once stdout is gone (a closed pipe): the caller stops reading the ledger.
 */
class LogPrinter {
  private widths: number[] | undefined;
  /** Entries written so far. */
  count = 0;
  private readonly out = new PagedOutput();

  constructor(private readonly json: boolean) {}

  async page(entries: EntryView[]): Promise<boolean> {
    let text = '';
    if (this.json) {
      for (const e of entries)
        text += `${this.count++ === 0 ? '[\n' : ',\n'}${indent(inertJson(jsonView(e), 2))}`;
    } else {
      const cells = entries.map((e) => LOG_COLUMNS.map((c) => oneLine(c.value(e))));
      if (!this.widths) {
        this.widths = LOG_COLUMNS.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
        text +=
          this.line(LOG_COLUMNS.map((c) => c.header)) + this.line(this.widths.map((w) => '-'.repeat(w)));
      }
      for (const r of cells) text += this.line(r);
      this.count += entries.length;
    }
    return this.write(text);
  }

  async end(): Promise<void> {
    if (this.json) await this.write(this.count ? '\n]\n' : '[]\n');
    else if (this.count === 0) await this.write('no matching entries\n');
  }

  private line(vals: string[]): string {
    return (
      vals
        .map((v, i) => v.padEnd(this.widths![i]!))
        .join('  ')
        .trimEnd() + '\n'
    );
  }

  private write(text: string): Promise<boolean> {
    return this.out.write(text);
  }
}

const indent = (text: string): string => text.replace(/^/gm, '  ');

/** Untrusted text in a cell, escaped as `table` does it (control and bidi characters). */
const oneLine = (s: string): string => inert(s);

function renderLog(entries: (EntryView & { branch?: string })[], shards: boolean): string {
  return table(entries, [
    ...(shards ? [{ header: 'SHARD', value: (e: EntryView & { branch?: string }) => e.branch ?? '-' }] : []),
    ...LOG_COLUMNS,
  ]);
}

function renderVerify(r: VerifyReport, named: boolean): string {
  const lines: string[] = [];
  const what = named ? `${r.branch}: ` : '';
  const scope = r.since
    ? `${r.checked} new entries after the checkpoint of ${r.since.size}, ${r.entries} in all`
    : `${r.entries} entries`;
  if (r.ok) {
    lines.push(
      colour.green(`${what}ledger valid: ${scope}, chain intact, index consistent, signatures trusted`),
    );
  } else {
    lines.push(colour.red(`${what}ledger INVALID: ${r.problems.length} problem(s) in ${scope}`));
    lines.push(
      renderProblems(r.problems, (rows) =>
        table(rows, [
          { header: 'CHECK', value: (p) => p.check },
          { header: 'SEQ', value: (p) => (p.seq === undefined ? '-' : String(p.seq)) },
          { header: 'COMMIT', value: (p) => (p.commit ? p.commit.slice(0, 12) : '-') },
          { header: 'FILE', value: (p) => p.file ?? '-' },
          { header: 'PROBLEM', value: (p) => p.message },
        ]),
      ),
    );
  }
  lines.push(`branch ${r.branch} at ${r.tip}`);
  if (r.head) lines.push(`head   ${r.head}`);
  if (r.checkpoint) lines.push(`checkpoint ${inert(r.checkpoint.origin)} size ${r.checkpoint.size}`);
  if (r.olderCheckpoint) {
    lines.push(
      r.olderCheckpoint.consistent
        ? `extends the older checkpoint (size ${r.olderCheckpoint.size})`
        : `does NOT extend the older checkpoint (size ${r.olderCheckpoint.size})`,
    );
  }
  return lines.join('\n') + '\n';
}
