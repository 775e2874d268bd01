/**
 * Sweeps run once across replicas: a BullMQ queue on the app's Redis. Every replica registers the
 * same job schedulers (idempotent: `upsertJobScheduler` keeps one per name), so each due sweep is
 * one job, taken by whichever replica's worker is free. A sweep fans out into one job per
 * repository with a stable id, so a repository is never swept twice at once (BullMQ ignores an add
 * whose id already waits or runs). A replica killed mid-job stops renewing its lock; after one lock
 * period another replica's stalled-job check moves the job back and runs it (each job is safe to
 * run again: a sweep only acts on what is still stale).
 *
 * SIGTERM: `stop()` lets running jobs finish (the worker's close waits for them) and their locks go
 * with them; nothing is taken after it is called.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { errorMessage } from '../../errors.ts';
import { queueConnection, type StateLog } from './redis.ts';

export const QUEUE_NAME = 'shiplog-sweeps';

export interface JobSpec {
  name: string;
  /** Stable: a job with this id waiting or running makes the add a no-op. */
  id: string;
  data: Record<string, unknown>;
}

export interface Jobs {
  enqueue(jobs: JobSpec[]): Promise<void>;
  stop(): Promise<void>;
}

export function startJobs(opts: {
  url: string;
  log: StateLog;
  lockMs: number;
  concurrency?: number;
  /** Recurring jobs: name → interval (0: not scheduled; removed if it was). */
  schedules: Record<string, number>;
  run: (name: string, data: Record<string, unknown>) => Promise<unknown>;
}): Jobs {
  const connection = queueConnection(opts.url);
  const queue = new Queue(QUEUE_NAME, {
    connection,
    defaultJobOptions: {
      removeOnComplete: true,
      removeOnFail: 200,
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
    },
  });
  let lastError = '';
  const onError = (where: string) => (error: unknown) => {
    const message = `${where}: ${errorMessage(error)}`;
    // one line per distinct failure, not one per reconnect attempt
    if (message !== lastError) opts.log.error(`sweep jobs: ${message}`);
    lastError = message;
  };
  queue.on('error', onError('queue'));

  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => opts.run(job.name, (job.data ?? {}) as Record<string, unknown>),
    {
      connection,
      concurrency: opts.concurrency ?? 2,
      lockDuration: opts.lockMs,
      stalledInterval: opts.lockMs,
      maxStalledCount: 3,
    },
  );
  worker.on('error', onError('worker'));
  worker.on('failed', (job, error) =>
    opts.log.warn(`sweep job ${job?.name ?? '?'} ${job?.id ?? ''} failed: ${errorMessage(error)}`),
  );
  worker.on('ready', () => (lastError = ''));

  const scheduled = (async () => {
    for (const [name, every] of Object.entries(opts.schedules)) {
      try {
        if (every > 0) await queue.upsertJobScheduler(name, { every }, { name, data: {} });
        else await queue.removeJobScheduler(name);
      } catch (error) {
        onError(`scheduling ${name}`)(error);
      }
    }
  })();

  return {
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      await queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.id } })));
    },
    async stop() {
      await scheduled;
      await worker.close();
      await queue.close();
    },
  };
}

/** BullMQ job ids may not contain `:`; repository names never contain `|`. */
export function jobId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replace(/:/g, '_')).join('|');
}
