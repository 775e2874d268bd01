/**
 * The ledger's tip as a cold reader sees it: the tip commit and its small tree, fetched with depth 1
 * and no blobs, and then exactly the blobs the question needs, fetched by id in one round trip.
 * Appends and every query (log --commit, show, where) start here; none walks the history.
 */
import { ShiplogError } from '../errors.ts';
import { CatFileSession } from './git.ts';
import { BLOB_MODE, parseCommit, parseTree, TREE_MODE } from './git-objects.ts';
import { IndexModel, type ObjectReader } from './index-model.ts';
import { CHECKPOINT_FILE, COSIGNED_FILE, ENTRY_FILE, INDEX_DIR } from './layout.ts';
import { TREE_DIR } from './tree/tiles.ts';
import { readTrailers, validTrailers, type CommitTrailers } from './ledger-commit.ts';
import { missingObjects } from './object-presence.ts';
import {
  fetchAncestry,
  fetchObjects,
  fetchTip,
  openRepo,
  type LedgerLocation,
  type LedgerRepo,
} from './store.ts';

export interface TipCommit extends CommitTrailers {
  commit: string;
  tree: string;
  entryBlob: string;
  checkpointBlob: string;
  indexTree?: string;
  /** The Merkle tree's tiles folder (tree/tiles.ts). */
  treeDir?: string;
  /** The witnesses' cosigned checkpoint, when one was published. */
  cosignedBlob?: string;
  /** Committer date in seconds: the next commit is never dated before it. */
  committerTime?: number;
  /** Author date in seconds: the tip entry's timestamp, which a new entry may not go far behind. */
  authorTime?: number;
}

/** Reads git objects from a tip cache, fetching by id (in one batch) whatever it does not hold. */
export class TipObjects implements ObjectReader {
  private readonly cat: CatFileSession;

  constructor(readonly repo: LedgerRepo) {
    this.cat = new CatFileSession(repo.gitDir);
  }

  /** Makes sure these objects are here, with one fetch for all that are missing. */
  async fetch(oids: string[]): Promise<void> {
    await fetchObjects(this.repo, oids);
  }

  async object(oid: string, type: string): Promise<Buffer> {
    if (missingObjects(this.repo.gitDir, [oid]).length) await this.fetch([oid]);
    const [obj] = await this.cat.get([oid]);
    if (!obj || obj.type !== type) {
      throw new ShiplogError('GIT_FAILED', `ledger ${type} ${oid} could not be read from the remote`);
    }
    return obj.data;
  }

  /** Several blobs, fetched together when missing, in the order asked. */
  async blobs(oids: string[]): Promise<Buffer[]> {
    await this.fetch(oids);
    const objs = await this.cat.get(oids);
    return objs.map((o, i) => {
      if (!o || o.type !== 'blob')
        throw new ShiplogError('GIT_FAILED', `ledger blob ${oids[i]} could not be read from the remote`);
      return o.data;
    });
  }

  tree(oid: string): Promise<Buffer> {
    return this.object(oid, 'tree');
  }

  blob(oid: string): Promise<Buffer> {
    return this.object(oid, 'blob');
  }

  close(): void {
    this.cat.close();
  }
}

function notLedger(commit: string, why: string): never {
  throw new ShiplogError(
    'BAD_INPUT',
    `the ledger branch tip ${commit} is not a shiplog v2 ledger commit (${why}); run "shiplog verify" and check the branch name`,
  );
}

/** Reads the tip commit's trailers and root tree (both already in the cache after fetchTip). */
export async function readTipCommit(objects: TipObjects, commit: string): Promise<TipCommit> {
  const c = parseCommit(await objects.object(commit, 'commit'));
  const trailers = validTrailers(readTrailers(c.message));
  if (!trailers) notLedger(commit, 'missing or malformed Shiplog-Seq/-Entry/-Origin/-Subject trailers');
  let entryBlob: string | undefined;
  let checkpointBlob: string | undefined;
  let indexTree: string | undefined;
  let treeDir: string | undefined;
  let cosignedBlob: string | undefined;
  for (const e of parseTree(await objects.tree(c.tree))) {
    if (e.name === ENTRY_FILE && e.mode === BLOB_MODE) entryBlob = e.sha;
    else if (e.name === CHECKPOINT_FILE && e.mode === BLOB_MODE) checkpointBlob = e.sha;
    else if (e.name === INDEX_DIR && e.mode === TREE_MODE) indexTree = e.sha;
    else if (e.name === TREE_DIR && e.mode === TREE_MODE) treeDir = e.sha;
    else if (e.name === COSIGNED_FILE && e.mode === BLOB_MODE) cosignedBlob = e.sha;
    else notLedger(commit, `unexpected "${e.name}" in its tree`);
  }
  if (!entryBlob || !checkpointBlob) notLedger(commit, `no ${ENTRY_FILE} or ${CHECKPOINT_FILE}`);
  return {
    ...trailers,
    commit,
    tree: c.tree,
    entryBlob,
    checkpointBlob,
    indexTree,
    ...(treeDir ? { treeDir } : {}),
    ...(cosignedBlob ? { cosignedBlob } : {}),
    ...(c.committerTime !== undefined ? { committerTime: c.committerTime } : {}),
    ...(c.authorTime !== undefined ? { authorTime: c.authorTime } : {}),
  };
}

/** An open look at a ledger's tip for one question; close it when done. */
export interface TipView {
  repo: LedgerRepo;
  objects: TipObjects;
  tip: TipCommit;
  index: IndexModel;
  close(): void;
}

/** Fetches the tip (depth 1, no blobs) and opens it; BRANCH_NOT_FOUND when nothing was recorded. */
export async function openTip(location: LedgerLocation): Promise<TipView> {
  const repo = await openRepo(location, 'tip');
  const remote = await fetchTip(repo);
  if (!remote) {
    throw new ShiplogError(
      'BRANCH_NOT_FOUND',
      `the ledger branch "${location.branch}" does not exist on "${location.remote}" (nothing has been recorded yet, or the branch name is wrong)`,
    );
  }
  const objects = new TipObjects(repo);
  try {
    const tip = await readTipCommit(objects, remote.commit);
    const index = await IndexModel.at(tip.indexTree, objects);
    return { repo, objects, tip, index, close: () => objects.close() };
  } catch (e) {
    objects.close();
    throw e;
  }
}

/**
 * The checkpoint at the ledger tip, or in the ledger commit `at` (the tip before a force-push, for
 * the ledger watch): that commit is read from this cache when it has it, else fetched by id.
 * Undefined when the commit has no checkpoint or cannot be had any more.
 */
export async function readCheckpointText(location: LedgerLocation, at?: string): Promise<string | undefined> {
  if (at === undefined) {
    const view = await openTip(location);
    try {
      return (await view.objects.blob(view.tip.checkpointBlob)).toString('utf8');
    } finally {
      view.close();
    }
  }
  const repo = await openRepo(location, 'tip');
  const objects = new TipObjects(repo);
  try {
    if (missingObjects(repo.gitDir, [at]).length) await fetchAncestry(repo, at, 1, { trees: true });
    const c = parseCommit(await objects.object(at, 'commit'));
    const cp = parseTree(await objects.tree(c.tree)).find((e) => e.name === CHECKPOINT_FILE);
    return cp ? (await objects.blob(cp.sha)).toString('utf8') : undefined;
  } catch (e) {
    if (e instanceof ShiplogError && ['GIT_FAILED', 'REMOTE_NOT_FOUND'].includes(e.code)) return undefined;
    throw e;
  } finally {
    objects.close();
  }
}
