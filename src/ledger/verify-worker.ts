/** Worker thread for `verify --jobs N`: checks batches of entry files and posts the facts back. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkEntryText, trustedFromPems, type EntryCheckInput } from './check-entry.ts';

const trusted = trustedFromPems((workerData as { pems: string[] }).pems);

parentPort?.on('message', (msg: { id: number; items: EntryCheckInput[] }) => {
  parentPort!.postMessage({ id: msg.id, facts: msg.items.map((item) => checkEntryText(item, trusted)) });
});
