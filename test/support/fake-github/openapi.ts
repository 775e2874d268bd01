/**
 * GitHub's published OpenAPI description (@octokit/openapi) as the judge of the fake's responses:
 * every body the fake sends is checked against the operation's response schema, so tests cannot
 * pass against shapes GitHub never produces. Also builds skeleton objects from component schemas
 * (required fields filled with GitHub's own example values) for the fake's builders.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiSpec {
  paths: Record<string, Record<string, JsonObject>>;
  components: { schemas: Record<string, JsonObject>; responses: Record<string, JsonObject> };
}

const SPEC_ID = 'https://fake-github.test/openapi.json';

let spec: OpenApiSpec | undefined;
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction | null>();

function loadSpec(): OpenApiSpec {
  if (!spec) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    spec = JSON.parse(readFileSync(file, 'utf8')) as OpenApiSpec;
  }
  return spec;
}

/**
 * OpenAPI 3.0 is not JSON Schema: `nullable` must become a union with null (also for enums and
 * `$ref`s, which Ajv's own `nullable` support does not cover), and GitHub's `oneOf`s overlap
 * (a user object can satisfy two alternatives), so they are read as `anyOf`.
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'example' || key === 'examples' ? value : toJsonSchema(value);
  }
  if (Array.isArray(out.oneOf)) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

function getAjv(): Ajv {
  if (!ajv) {
    const s = loadSpec();
    ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, logger: false });
    ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    ajv.addFormat('uri', (value: string) => URL.canParse(value));
    ajv.addSchema({
      $id: SPEC_ID,
      components: {
        schemas: toJsonSchema(s.components.schemas as Json),
        responses: toJsonSchema(s.components.responses as Json),
      },
    } as JsonObject);
  }
  return ajv;
}

/** The JSON response schema GitHub documents for this operation and status, if any. */
function responseSchema(method: string, template: string, status: number): Json | undefined {
  const s = loadSpec();
  const operation = s.paths[template]?.[method.toLowerCase()];
  if (!operation)
    throw new Error(`fake-github: ${method} ${template} is not in GitHub's OpenAPI description`);
  const responses = operation.responses as Record<string, JsonObject> | undefined;
  let response = responses?.[String(status)];
  if (!response) return undefined;
  const ref = response.$ref;
  if (typeof ref === 'string') {
    response = s.components.responses[ref.replace('#/components/responses/', '')];
  }
  const content = response?.content as Record<string, { schema?: Json }> | undefined;
  return content?.['application/json']?.schema;
}

function rebaseRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rebaseRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' ? SPEC_ID + value : rebaseRefs(value);
  }
  return out;
}

/**
 * Problems with `body` as the response to `method template` with `status`; empty when it fits.
 * Statuses GitHub documents without a JSON body (or not at all, like most 5xx) are not checked.
 */
export function checkResponse(method: string, template: string, status: number, body: unknown): string[] {
  const key = `${method.toUpperCase()} ${template} ${status}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    const schema = responseSchema(method, template, status);
    validate = schema === undefined ? null : getAjv().compile(rebaseRefs(toJsonSchema(schema)) as JsonObject);
    validators.set(key, validate);
  }
  if (validate === null || validate(body)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/** Does GitHub's description know this operation? (Guards the fake's route table.) */
export function hasOperation(method: string, template: string): boolean {
  return loadSpec().paths[template]?.[method.toLowerCase()] !== undefined;
}

const DATE = '2024-05-01T12:00:00Z';

function resolve(node: JsonObject): JsonObject {
  let current = node;
  while (typeof current.$ref === 'string') {
    const name = current.$ref.replace('#/components/schemas/', '');
    const next = loadSpec().components.schemas[name];
    if (!next) throw new Error(`fake-github: unknown schema ${current.$ref}`);
    current = next;
  }
  return current;
}

function skeleton(node: JsonObject, depth: number): Json {
  const schema = resolve(node);
  if (schema.nullable === true && depth > 0) return null;
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonObject[] | undefined;
  if (alternatives) return skeleton(alternatives[0] as JsonObject, depth + 1);
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((s) => skeleton(s as JsonObject, depth + 1) as JsonObject));
  }
  const type = schema.type;
  if (type === 'object' || schema.properties) {
    const out: JsonObject = {};
    const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
    for (const name of (schema.required ?? []) as string[]) {
      const property = properties[name];
      out[name] = property ? skeleton(property, depth + 1) : null;
    }
    return out;
  }
  if (type === 'array') return [];
  const enumValues = schema.enum as Json[] | undefined;
  if (schema.example !== undefined && (!enumValues || enumValues.includes(schema.example)))
    return schema.example;
  if (enumValues) return enumValues[0] ?? null;
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return false;
  if (schema.format === 'date-time') return DATE;
  if (schema.format === 'uri') return 'https://github.com';
  return 'string';
}

function merge(base: Json, overrides: unknown): Json {
  if (overrides === undefined) return base;
  if (
    overrides !== null &&
    typeof overrides === 'object' &&
    !Array.isArray(overrides) &&
    base !== null &&
    typeof base === 'object' &&
    !Array.isArray(base)
  ) {
    const out: JsonObject = { ...base };
    for (const [key, value] of Object.entries(overrides)) out[key] = merge(base[key] ?? null, value);
    return out;
  }
  return overrides as Json;
}

/**
 * An object of GitHub's component schema `name` with every required field present (GitHub's
 * example values; nullable nested fields null), then `overrides` deep-merged over it.
 */
export function fromSchema<T = Record<string, unknown>>(name: string, overrides: unknown = {}): T {
  const schema = loadSpec().components.schemas[name];
  if (!schema) throw new Error(`fake-github: unknown schema ${name}`);
  return merge(skeleton(schema, 0), overrides) as T;
}
