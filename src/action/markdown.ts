/**
 * Markdown for job summaries. PR titles, logins, branch names, file paths and environment names are
 * written by other people; every such string goes through `md` (the policy room's escaper), and
 * links only carry URLs that cannot break out of the link syntax.
 */
import { md } from '../policy/render.ts';

export { md };

/** A Markdown link, or the escaped text alone when the URL is not a plain http(s) URL. */
export function link(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\/[^\s<>"'`]+$/i.test(url)) return md(text);
  const safe = url.replace(
    /[()[\]\\|]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${md(text)}](${safe})`;
}

/** Inline code for values we produced ourselves (hashes, shas); still escaped, never raw. */
export function code(value: string): string {
  return `<code>${md(value, 200)}</code>`;
}

export function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function short(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '—';
}
