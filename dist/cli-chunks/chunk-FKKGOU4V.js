#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);

// src/text/inert.ts
var UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
function inert(text, keep = "") {
  return String(text).replace(
    UNSAFE,
    (c) => keep.includes(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  );
}
function inertJson(value, space) {
  return inert(JSON.stringify(value, null, space), "\n");
}

// src/text/table.ts
function table(rows, columns) {
  const cells = rows.map((r) => columns.map((c) => oneLine(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].length)));
  const line = (vals) => vals.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line)
  ].join("\n");
}
function oneLine(s) {
  return inert(s);
}

export {
  inert,
  inertJson,
  table
};
