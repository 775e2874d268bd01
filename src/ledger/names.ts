/**
 * Repository and environment names compare the way GitHub compares them: without regard to case.
 * `--repo Acme/Web` and `--repo acme/web` name one repository (and one shard); `--environment
 * Production` is the environment recorded as `production`. What a writer recorded is kept as it was.
 */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** The distinct names of a list, compared as sameName does, each as first seen, sorted. */
export function distinctNames(names: Iterable<string | undefined>): string[] {
  const seen = new Map<string, string>();
  for (const n of names) if (n !== undefined && !seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}
