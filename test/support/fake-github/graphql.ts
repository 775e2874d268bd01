/**
 * The fake's GraphQL endpoint: queries run against GitHub's real published schema (the SDL in
 * @octokit/graphql-schema), so a query GitHub would reject fails here too, with the validation
 * errors in `errors` and HTTP 200 as GitHub answers. Only the fields shiplog reads have resolvers;
 * asking for any other field is an error naming it, never a silent null.
 */
import {
  buildSchema,
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { FakeCommit, FakePull, FakeRepoInfo, FakeReview, FakeUser, Urls } from './objects.ts';

/** What the resolvers may read of one repository's state. */
export interface GraphQLRepo {
  info: FakeRepoInfo;
  commit(oid: string): FakeCommit | undefined;
  pull(number: number): FakePull | undefined;
  /** The pull requests GitHub associates with a commit (the same rule as REST commits/{sha}/pulls). */
  pullsOf(oid: string): FakePull[];
}

export interface GraphQLWorld {
  repository(owner: string, name: string): GraphQLRepo | undefined;
  user(login: string): FakeUser;
  urls: Urls;
}

export interface GraphQLReply {
  status: number;
  body: unknown;
}

/** GitHub's connection limit: `first`/`last` are required and at most 100. */
const MAX_PAGE = 100;

let loading: Promise<GraphQLSchema> | undefined;

/**
 * GitHub's schema, built once per process on first use (about a second, so REST-only tests do not
 * pay it). The published SDL defines two fields of EnterpriseOwnerInfo twice, which graphql-js's
 * SDL check refuses; `assumeValidSDL` takes the schema as GitHub publishes it.
 */
export function githubSchema(): Promise<GraphQLSchema> {
  loading ??= import('@octokit/graphql-schema').then(({ schema }) =>
    buildSchema(schema.idl, { assumeValidSDL: true }),
  );
  return loading;
}

/** An error GitHub reports with a top-level `type` (NOT_FOUND, …) next to the message. */
class TypedError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function formatError(error: GraphQLError): Record<string, unknown> {
  const original = error.originalError;
  return {
    ...(original instanceof TypedError ? { type: original.type } : {}),
    ...error.toJSON(),
  };
}

/** Resolve from plain objects: a function property is called with the field's arguments. */
const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, _context, info) => {
  const value = (source as Record<string, unknown>)[info.fieldName];
  if (value === undefined)
    throw new Error(`fake-github: ${info.parentType.name}.${info.fieldName} is not implemented by the fake`);
  return typeof value === 'function' ? (value as (a: unknown) => unknown)(args) : value;
};

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

function cursor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64');
}

function position(value: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(value, 'base64').toString('utf8'));
  if (!match) throw new Error(`\`${value}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

/** GitHub's cursor pagination over a list, with its limits and messages. */
function connection<T>(items: T[], args: ConnectionArgs, name: string, node: (item: T) => unknown) {
  const { first, last, after, before } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null))
    throw new Error(
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  for (const [arg, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value !== undefined && value !== null && (value < 0 || value > MAX_PAGE))
      throw new Error(
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of ${MAX_PAGE} records.`,
      );
  }
  let start = after ? position(after) + 1 : 0;
  let end = before ? position(before) : items.length;
  if (typeof first === 'number') end = Math.min(end, start + first);
  if (typeof last === 'number') start = Math.max(start, end - last);
  const slice = items.slice(start, end);
  return {
    totalCount: items.length,
    nodes: slice.map(node),
    edges: slice.map((item, i) => ({ cursor: cursor(start + i), node: node(item) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? cursor(start) : null,
      endCursor: slice.length ? cursor(end - 1) : null,
    },
  };
}

/** The resolvable objects for one request. */
function resolvers(world: GraphQLWorld) {
  const { html } = world.urls;

  // GraphQL names a bot without the "[bot]" REST puts after its login
  const actor = (login: string | null) => {
    if (login === null) return null;
    const user = world.user(login);
    const graphLogin = user.type === 'Bot' ? user.login.replace(/\[bot\]$/, '') : user.login;
    return {
      __typename: user.type,
      login: graphLogin,
      databaseId: user.id,
      url: user.type === 'Bot' ? `${html}/apps/${graphLogin}` : `${html}/${user.login}`,
      resourcePath: user.type === 'Bot' ? `/apps/${graphLogin}` : `/${user.login}`,
    };
  };

  const repository = (repo: GraphQLRepo) => {
    const { owner, name } = repo.info;
    const self = {
      __typename: 'Repository',
      name,
      nameWithOwner: `${owner}/${name}`,
      url: `${html}/${owner}/${name}`,
      databaseId: repo.info.id,
      owner: () => actor(owner),
      object: ({ oid, expression }: { oid?: string | null; expression?: string | null }) => {
        const c = repo.commit(oid ?? expression ?? '');
        return c ? commit(repo, c) : null;
      },
      pullRequest: ({ number }: { number: number }) => {
        const pr = repo.pull(number);
        if (!pr)
          throw new TypedError(
            'NOT_FOUND',
            `Could not resolve to a PullRequest with the number of ${number}.`,
          );
        return pull(repo, pr);
      },
    };
    return self;
  };

  // a commit the graph does not hold (a review's or PR's sha only): its oid is all the fake knows
  const commitRef = (repo: GraphQLRepo, oid: string) => {
    const c = repo.commit(oid);
    return c ? commit(repo, c) : { __typename: 'Commit', oid, abbreviatedOid: oid.slice(0, 7) };
  };

  const commit = (repo: GraphQLRepo, c: FakeCommit) => ({
    __typename: 'Commit',
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    message: c.message,
    messageHeadline: c.message.split('\n')[0] ?? '',
    committedDate: c.date,
    authoredDate: c.date,
    url: `${html}/${repo.info.owner}/${repo.info.name}/commit/${c.sha}`,
    associatedPullRequests: (args: ConnectionArgs) => {
      // GitHub's default order: CREATED_AT ascending (ties by number here)
      const pulls = repo
        .pullsOf(c.sha)
        .sort((a, b) =>
          a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.number - b.number,
        );
      return connection(pulls, args, 'associatedPullRequests', (pr) => pull(repo, pr));
    },
  });

  const review = (repo: GraphQLRepo, r: FakeReview) => ({
    __typename: 'PullRequestReview',
    databaseId: r.id,
    fullDatabaseId: String(r.id),
    state: r.state,
    submittedAt: r.submittedAt ?? null,
    commit: () => (r.commitId === null ? null : commitRef(repo, r.commitId)),
    author: () => actor(r.user),
  });

  const pull = (repo: GraphQLRepo, pr: FakePull) => ({
    __typename: 'PullRequest',
    number: pr.number,
    databaseId: pr.id,
    title: pr.title,
    url: `${html}/${repo.info.owner}/${repo.info.name}/pull/${pr.number}`,
    state: pr.merged ? 'MERGED' : pr.state === 'open' ? 'OPEN' : 'CLOSED',
    merged: pr.merged,
    mergedAt: pr.mergedAt,
    createdAt: pr.createdAt,
    headRefName: pr.headRef,
    headRefOid: pr.headSha,
    baseRefName: pr.baseRef,
    baseRefOid: pr.baseSha,
    isDraft: pr.draft,
    mergeCommit: () => (pr.mergeCommitSha ? commitRef(repo, pr.mergeCommitSha) : null),
    baseRepository: () => repository(repo),
    repository: () => repository(repo),
    author: () => actor(pr.user),
    mergedBy: () => actor(pr.mergedBy),
    reviews: (args: ConnectionArgs & { states?: string[] | null; author?: string | null }) => {
      const list = pr.reviews.filter(
        (r) =>
          (!args.states || args.states.includes(r.state)) &&
          (!args.author || r.user.toLowerCase() === args.author.toLowerCase()),
      );
      return connection(list, args, 'reviews', (r) => review(repo, r));
    },
  });

  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = world.repository(owner, name);
      if (!repo)
        throw new TypedError(
          'NOT_FOUND',
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      return repository(repo);
    },
  };
}

/** Answer one POST /graphql body as GitHub does: 200 with `data` and/or `errors`. */
export async function executeGraphQL(
  world: GraphQLWorld,
  body: Record<string, unknown>,
): Promise<GraphQLReply> {
  const { query, variables, operationName } = body;
  if (typeof query !== 'string' || !query)
    return {
      status: 200,
      body: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] },
    };
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  )
    return { status: 200, body: { errors: [{ message: 'Variables are invalid JSON.' }] } };
  const schema = await githubSchema();
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    return { status: 200, body: { errors: [formatError(e as GraphQLError)] } };
  }
  const problems = validate(schema, document);
  if (problems.length) return { status: 200, body: { errors: problems.map(formatError) } };
  const result = await execute({
    schema,
    document,
    rootValue: resolvers(world),
    variableValues: (variables ?? {}) as Record<string, unknown>,
    ...(typeof operationName === 'string' ? { operationName } : {}),
    fieldResolver,
  });
  return {
    status: 200,
    body: {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors?.length ? { errors: result.errors.map(formatError) } : {}),
    },
  };
}
