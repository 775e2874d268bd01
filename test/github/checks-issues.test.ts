import { describe, expect, it } from 'vitest';
import { createCheckRun, fitOutput, MAX_OUTPUT_CHARS, updateCheckRun } from '../../src/github/checks.ts';
import { commentOnIssue, createIssue, findOpenIssueWithLabel } from '../../src/github/issues.ts';
import { useFakeGitHub } from './setup.ts';

const env = useFakeGitHub();

describe('check runs', () => {
  it("creates then completes a check run, cutting an oversized summary to GitHub's limit", async () => {
    const { owner, repo, full } = env.repo();
    const api = env.client();
    const run = await createCheckRun(api, {
      owner,
      repo,
      name: 'shiplog/approvals',
      headSha: 'a'.repeat(40),
      status: 'in_progress',
    });
    await updateCheckRun(api, {
      owner,
      repo,
      checkRunId: run.id,
      conclusion: 'failure',
      output: { title: '1 of 2 rules satisfied', summary: 'x'.repeat(200_000) },
    });
    const [stored] = env.gh.checkRuns(full);
    expect(stored).toMatchObject({
      id: run.id,
      status: 'completed',
      conclusion: 'failure',
      title: '1 of 2 rules satisfied',
    });
    expect(stored!.summary!.length).toBe(MAX_OUTPUT_CHARS);
    expect(stored!.summary).toMatch(/truncated/);
  });

  it('does not split a surrogate pair when cutting', () => {
    const text = '😀'.repeat(40_000);
    const cut = fitOutput(text);
    expect(cut.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});

describe('issues', () => {
  it('finds the open issue with a label, creates one, comments on it', async () => {
    const { owner, repo, full } = env.repo();
    const api = env.client();
    expect(await findOpenIssueWithLabel(api, { owner, repo, label: 'shiplog-override' })).toBeUndefined();
    env.gh.addIssue(full, { title: 'closed one', labels: ['shiplog-override'], state: 'closed' });
    env.gh.addIssue(full, { title: 'other label', labels: ['bug'] });

    const created = await createIssue(api, {
      owner,
      repo,
      title: 'Override on production',
      body: 'why',
      labels: ['shiplog-override'],
    });
    const found = await findOpenIssueWithLabel(api, { owner, repo, label: 'shiplog-override' });
    expect(found).toEqual(created);
    expect(
      await findOpenIssueWithLabel(api, { owner, repo, label: 'shiplog-override', title: 'nope' }),
    ).toBeUndefined();

    const comment = await commentOnIssue(api, {
      owner,
      repo,
      number: created.number,
      body: 'z'.repeat(70_000),
    });
    expect(comment.id).toBeTypeOf('number');
    expect(env.gh.comments(full, created.number)[0]!.body.length).toBeLessThanOrEqual(65536);
  });
});
