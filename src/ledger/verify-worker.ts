/** Worker thread for `verify --jobs N`: checks the signatures of packed batches of entries. */
import { parentPort, workerData } from 'node:worker_threads';
import { signerIndex } from './dsse.ts';
import { loadTrustedKey } from './keys.ts';
import { unpackBatch, type PackedBatch } from './signature-pool.ts';

const keys = (workerData as { pems: string[] }).pems.map(
  (pem, i) => loadTrustedKey(pem, `trusted key ${i + 1}`).publicKey,
);

parentPort?.on('message', (batch: PackedBatch) => {
  const signers = new Int32Array(batch.paeEnds.length);
  let i = 0;
  for (const job of unpackBatch(batch)) signers[i++] = signerIndex(job.paeBytes, job.candidates, keys);
  parentPort!.postMessage({ id: batch.id, signers }, [signers.buffer]);
});
