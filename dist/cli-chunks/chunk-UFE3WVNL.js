#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  COMMIT_PATTERN
} from "./chunk-GCCZYBLX.js";
import {
  ShiplogError
} from "./chunk-KB55KBSJ.js";

// src/ledger/where.ts
import { existsSync, statSync } from "node:fs";

// src/ledger/git.ts
import { spawn } from "node:child_process";
var BASE_CONFIG = {
  "gc.auto": "0",
  "maintenance.auto": "false",
  "protocol.ext.allow": "never",
  "core.hooksPath": "/dev/null",
  "advice.detachedHead": "false"
};
function defaultTimeoutMs() {
  const fromEnv = Number(process.env.SHIPLOG_GIT_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 12e4;
}
function gitEnv(opts) {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    GCM_INTERACTIVE: "never",
    LC_ALL: "C",
    LANG: "C"
  };
  delete env.GIT_DIR;
  delete env.GIT_WORK_TREE;
  delete env.GIT_INDEX_FILE;
  if (opts.gitDir) env.GIT_DIR = opts.gitDir;
  const config = { ...BASE_CONFIG, ...opts.config };
  const keys = Object.keys(config);
  env.GIT_CONFIG_COUNT = String(keys.length);
  keys.forEach((k, i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = config[k];
  });
  return env;
}
function git(args, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs();
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      env: opts.bulkOutput ? { ...gitEnv(opts), GIT_FLUSH: "0" } : gitEnv(opts),
      stdio: ["pipe", "pipe", "pipe"],
      detached: true
    });
    const out = [];
    const err = [];
    let timedOut = false;
    let closed = false;
    let consumerError;
    const expire = () => {
      timedOut = true;
      killGroup(child.pid);
    };
    let timer = setTimeout(expire, timeoutMs);
    const onStdout = opts.onStdout;
    child.stdout.on(
      "data",
      onStdout ? (d) => {
        const wait = onStdout(d);
        if (!wait) return;
        clearTimeout(timer);
        child.stdout.pause();
        wait.then(
          () => {
            if (!closed) timer = setTimeout(expire, timeoutMs);
            child.stdout.resume();
          },
          (e) => {
            consumerError = e;
            killGroup(child.pid);
            child.stdout.resume();
          }
        );
      } : (d) => out.push(d)
    );
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new ShiplogError("GIT_FAILED", `could not start git: ${e.message}`, { cause: e }));
    });
    child.on("close", (code) => {
      closed = true;
      clearTimeout(timer);
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString("utf8")
      };
      if (consumerError !== void 0) {
        reject(consumerError);
      } else if (timedOut) {
        reject(
          new ShiplogError(
            "GIT_TIMEOUT",
            `git ${args[0]} did not finish within ${timeoutMs} ms and was stopped`
          )
        );
      } else if (result.code !== 0 && !opts.allowFail) {
        reject(
          new ShiplogError(
            "GIT_FAILED",
            `git ${args[0]} failed (exit ${result.code}): ${lastLines(result.stderr)}`,
            {
              details: result
            }
          )
        );
      } else {
        resolve(result);
      }
    });
    child.stdin.on("error", () => void 0);
    child.stdin.end(opts.input ?? "");
  });
}
function killGroup(pid) {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
    }
  }
}
function lastLines(text, n = 3) {
  return text.trim().split("\n").slice(-n).join(" | ") || "(no message)";
}
var BatchOutputParser = class {
  constructor(onObject) {
    this.onObject = onObject;
  }
  onObject;
  chunks = [];
  length = 0;
  pending;
  push(chunk) {
    this.chunks.push(chunk);
    this.length += chunk.length;
    for (; ; ) {
      if (!this.pending) {
        const nl = this.newline();
        if (nl < 0) return;
        const header = this.take(nl + 1).toString("utf8", 0, nl);
        if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
          this.onObject(void 0);
          continue;
        }
        const [sha, type, size] = header.split(" ");
        this.pending = { sha, type, size: Number(size) };
      }
      if (this.length < this.pending.size + 1) return;
      const data = this.take(this.pending.size + 1).subarray(0, this.pending.size);
      const obj = { sha: this.pending.sha, type: this.pending.type, data };
      this.pending = void 0;
      this.onObject(obj);
    }
  }
  newline() {
    let base = 0;
    for (const c of this.chunks) {
      const i = c.indexOf(10);
      if (i >= 0) return base + i;
      base += c.length;
    }
    return -1;
  }
  /** Removes and returns the next n buffered bytes (n <= this.length). */
  take(n) {
    this.length -= n;
    const first = this.chunks[0];
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    for (let off = 0; off < n; ) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
};
function catFileFeed(gitDir, onObject, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs();
  const child = spawn("git", ["cat-file", "--batch", "--buffer"], {
    env: gitEnv({ gitDir, config: opts.config }),
    stdio: ["pipe", "pipe", "pipe"],
    detached: true
  });
  let requested = 0;
  let ended = false;
  let owed = () => void 0;
  const done = new Promise((resolve, reject) => {
    const expire = () => {
      killGroup(child.pid);
      reject(new ShiplogError("GIT_TIMEOUT", `git cat-file gave nothing for ${timeoutMs} ms`));
    };
    let timer;
    let closed = false;
    const arm = () => {
      clearTimeout(timer);
      timer = void 0;
      if (requested > index && !closed) timer = setTimeout(expire, timeoutMs);
    };
    owed = () => {
      if (timer === void 0) arm();
    };
    let index = 0;
    let failed = false;
    let waits = [];
    let handled = Promise.resolve();
    const parser = new BatchOutputParser((obj) => {
      const wait = onObject(index++, obj);
      if (wait) waits.push(wait);
    });
    const errChunks = [];
    child.stderr.on("data", (d) => errChunks.push(d));
    child.stdout.on("data", (chunk) => {
      const fail = (e) => {
        failed = true;
        killGroup(child.pid);
        clearTimeout(timer);
        reject(e);
      };
      try {
        parser.push(chunk);
      } catch (e) {
        return fail(e);
      }
      arm();
      if (waits.length) {
        child.stdout.pause();
        const all = Promise.all(waits);
        waits = [];
        handled = Promise.all([handled, all]);
        handled.catch(() => void 0);
        all.then(() => child.stdout.resume(), fail);
      }
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new ShiplogError("GIT_FAILED", `could not start git: ${e.message}`));
    });
    child.on("close", (code) => {
      closed = true;
      clearTimeout(timer);
      if (failed) return;
      if (code !== 0 || index !== requested || !ended) {
        reject(
          new ShiplogError(
            "GIT_FAILED",
            `git cat-file failed (exit ${code}, ${index}/${requested} objects): ${lastLines(Buffer.concat(errChunks).toString())}`
          )
        );
      } else handled.then(() => resolve(), reject);
    });
  });
  done.catch(() => void 0);
  child.stdin.on("error", () => void 0);
  return {
    request(spec) {
      requested++;
      const ok = child.stdin.write(spec + "\n");
      owed();
      return ok;
    },
    drained: () => new Promise((r) => child.stdin.once("drain", () => r())),
    end() {
      ended = true;
      child.stdin.end();
    },
    done
  };
}
var CatFileSession = class {
  child;
  queue = [];
  parser = new BatchOutputParser((obj) => this.queue.shift()?.resolve(obj));
  closed = false;
  stderr = "";
  constructor(gitDir) {
    this.child = spawn("git", ["cat-file", "--batch"], {
      env: gitEnv({ gitDir }),
      stdio: ["pipe", "pipe", "pipe"]
    });
    this.child.stdout.on("data", (chunk) => this.parser.push(chunk));
    this.child.stderr.on("data", (d) => this.stderr += d.toString());
    this.child.stdin.on("error", () => void 0);
    const fail = (e) => {
      this.closed = true;
      for (const q of this.queue.splice(0)) q.reject(e);
    };
    this.child.on("error", (e) => fail(new ShiplogError("GIT_FAILED", `could not start git: ${e.message}`)));
    this.child.on("close", (code) => {
      if (this.queue.length)
        fail(new ShiplogError("GIT_FAILED", `git cat-file exited (${code}): ${lastLines(this.stderr)}`));
    });
  }
  get(specs) {
    if (this.closed) return Promise.reject(new ShiplogError("GIT_FAILED", "git cat-file already closed"));
    if (specs.some((s) => /[\n\0]/.test(s))) {
      return Promise.reject(new ShiplogError("BAD_INPUT", "object name contains a newline"));
    }
    const results = specs.map(
      () => new Promise((resolve, reject) => this.queue.push({ resolve, reject }))
    );
    this.child.stdin.write(specs.map((s) => s + "\n").join(""));
    return Promise.all(results);
  }
  close() {
    this.closed = true;
    this.child.stdin.end();
  }
};

// src/ledger/names.ts
function sameName(a, b) {
  if (a === void 0 || b === void 0) return a === b;
  return a === b || a.toLowerCase() === b.toLowerCase();
}
function distinctNames(names) {
  const seen = /* @__PURE__ */ new Map();
  for (const n of names) if (n !== void 0 && !seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

// src/ledger/where.ts
function currentApprovers(s) {
  const list = s.predicate.approval?.approvers;
  if (!Array.isArray(list)) return [];
  return list.filter((a) => typeof a?.login === "string").filter((a) => a.stale !== true).map((a) => a.login);
}
function actorLogin(s) {
  const login = s.predicate.actor?.login;
  return typeof login === "string" ? login : void 0;
}
function sortDeploys(list) {
  return list.sort(
    (a, b) => a.environment.localeCompare(b.environment) || a.repository.localeCompare(b.repository)
  );
}
function deployOf(e) {
  const p = e.statement.predicate;
  return {
    commit: p.commit,
    timestamp: p.timestamp,
    actor: actorLogin(e.statement),
    approvers: currentApprovers(e.statement),
    approvalStatus: p.approval?.status,
    seq: e.seq
  };
}
async function whereIsCommit(commit, deploys, isAncestor) {
  const target = commit.toLowerCase();
  const environments = [];
  for (const env of deploys) {
    const d = env.deploy;
    let contains = false;
    if (d) contains = d.commit === target ? true : await isAncestor(target, d.commit);
    environments.push({
      environment: env.environment,
      repository: env.repository,
      deployed_commit: d?.commit ?? null,
      deployed_at: d?.timestamp ?? null,
      deployed_by: d?.actor ?? null,
      approvers: d?.approvers ?? [],
      approval_status: d?.approvalStatus ?? null,
      seq: d?.seq ?? null,
      contains
    });
  }
  return { commit: target, environments };
}
async function openCheckout(dir) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ShiplogError("BAD_INPUT", `code checkout "${dir}" does not exist (pass --repo-dir)`);
  }
  const probe = await git(["rev-parse", "--git-dir"], { cwd: dir, allowFail: true });
  if (probe.code !== 0) {
    throw new ShiplogError(
      "BAD_INPUT",
      `"${dir}" is not a git checkout (pass --repo-dir): ${lastLines(probe.stderr, 1)}`
    );
  }
  return {
    async resolve(rev) {
      if (!rev || rev.startsWith("-")) throw new ShiplogError("USAGE", `"${rev}" is not a commit`);
      const r = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], {
        cwd: dir,
        allowFail: true
      });
      const sha = r.stdout.toString("utf8").trim();
      if (r.code !== 0 || !COMMIT_PATTERN.test(sha)) {
        throw new ShiplogError("BAD_INPUT", `"${rev}" is not a commit in the checkout "${dir}"`);
      }
      return sha;
    },
    async isAncestor(ancestor, descendant) {
      const r = await git(["merge-base", "--is-ancestor", ancestor, descendant], {
        cwd: dir,
        allowFail: true
      });
      if (r.code === 0) return true;
      if (r.code === 1) return false;
      return null;
    }
  };
}

export {
  git,
  lastLines,
  catFileFeed,
  CatFileSession,
  sameName,
  distinctNames,
  currentApprovers,
  actorLogin,
  sortDeploys,
  deployOf,
  whereIsCommit,
  openCheckout
};
