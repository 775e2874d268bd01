#!/usr/bin/env bash
# Rebuilds dist/ from the committed tree only (not from uncommitted work in this checkout), so the
# committed bundles always match the committed sources that check-dist rebuilds.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/wt" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$root" worktree add --quiet --detach "$tmp/wt" HEAD
ln -s "$root/node_modules" "$tmp/wt/node_modules"
(cd "$tmp/wt" && node scripts/bundle.mjs)
cp "$tmp/wt"/dist/*.js "$root/dist/"
