/**
 * Page-by-page reading that follows GitHub's Link header, 100 items per request. shiplog walks
 * pages itself rather than with plugin-paginate-rest because that plugin crashes on a page whose
 * JSON Octokit could not parse (Octokit's parser overflows on a multi-megabyte string, e.g. a
 * hostile 10 MB review body, and hands back the raw text); here such a page is parsed natively.
 */
import { ShiplogError } from '../errors.ts';
import type { GitHubApi } from './client.ts';
import { asArray } from './parse.ts';

export function nextLink(link: unknown): string | undefined {
  if (typeof link !== 'string') return undefined;
  return /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
}

/**
 * Each page's items. Stops after `maxPages`: with `onLimit: 'stop'` quietly (the caller knows the
 * cap, like GitHub's 3000-file limit), otherwise with an error, never a silently partial list.
 */
export async function* pages(
  api: GitHubApi,
  route: string,
  params: Record<string, unknown>,
  what: string,
  {
    maxPages = 100,
    onLimit = 'error',
    onStop,
  }: {
    maxPages?: number;
    onLimit?: 'stop' | 'error';
    /** Told when `onLimit: 'stop'` left pages unread. */
    onStop?: () => void;
  } = {},
): AsyncGenerator<unknown[]> {
  let response = await api.request(route, { ...params, per_page: 100 });
  for (let page = 1; ; page++) {
    yield asArray(response.data, what);
    const next = nextLink(response.headers.link);
    if (!next) return;
    if (page >= maxPages) {
      if (onLimit === 'stop') {
        onStop?.();
        return;
      }
      throw new ShiplogError(
        'GITHUB_API',
        `${what}: more than ${maxPages} pages of results; refusing to read on`,
      );
    }
    response = await api.request(`GET ${next}`);
  }
}
