/**
 * Untrusted text made inert for a terminal: every C0 and C1 control character, DEL, the line and
 * paragraph separators and the bidi embeddings, overrides and isolates become a visible `\uXXXX`
 * escape. Ledger text (an environment, a reason, a pull request title) is written by whoever could
 * sign or push an entry; raw, an ESC could move the cursor or recolour a row, a U+202E reverse a
 * line so a reader sees a different commit or environment. The escape is also a valid JSON escape,
 * so JSON output stays JSON and decodes to the same string.
 */

// eslint-disable-next-line no-control-regex -- control and bidi characters are what is escaped
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Escape control and bidi characters; `keep` lists ones left as they are (e.g. '\n' in a block). */
export function inert(text: string, keep = ''): string {
  return String(text).replace(UNSAFE, (c) =>
    keep.includes(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** JSON for a terminal: JSON.stringify escapes C0 itself; C1 and bidi characters are escaped too. */
export function inertJson(value: unknown, space?: number): string {
  return inert(JSON.stringify(value, null, space), '\n');
}
