/**
 * Builds test/fixtures/ocsf-1.3.0/schema.json: the OCSF classes shiplog emits, resolved the way
 * OCSF's schema compiler (github.com/ocsf/ocsf-schema-compiler) resolves them, from a git copy of
 * github.com/ocsf/ocsf-schema at a tag. Only what event validation needs is kept (no descriptions).
 *
 *   node --import tsx scripts/ocsf-fixture.ts <ocsf-schema git dir> [--tag 1.3.0] [--out FILE]
 *     [--compare compiled.json]
 *
 * The rules, in the compiler's order (base schema only, platform extensions left out):
 *  1. an attribute's `profile: "x"` becomes `profiles: ["x"]`;
 *  2. `$include` in `attributes`: the included file's attributes are the base and the item's own
 *     are merged on top; a profile file marks each of its attributes with its name, and its
 *     `annotations` (e.g. `group`) fill what an attribute does not say; `$include` inside one
 *     attribute (shared enums) is deep-merged under it;
 *  3. `extends`: a copy of the resolved parent with the child's attributes merged on top (profile
 *     lists unioned; other keys, `constraints` included, replaced);
 *  4. classes without a `uid` (but base_event) and objects named `_…` are abstract and dropped;
 *  5. class_uid = category uid * 1000 + uid, with class_uid, category_uid and type_uid enums;
 *  6. dictionary attributes whose type is not a dictionary type are objects (`object_t`);
 *  7. every `timestamp_t` attribute gets an optional `<name>_dt` sibling of the datetime profile;
 *  8. an attribute without a requirement is optional;
 *  9. each attribute is its dictionary definition with the class's or object's details on top.
 *
 * `--compare` checks the result against the full output of OCSF's own compiler for the same tag
 * (`python3 -m ocsf_schema_compiler -i <schema dir>`), attribute by attribute, and exits 1 on any
 * difference.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

type J = Record<string, unknown>;

/** The classes shiplog emits, by the compiler's item name. */
export const EMITTED_CLASSES = [
  'application_lifecycle',
  'datastore_activity',
  'entity_management',
  'compliance_finding',
] as const;

const clone = <T>(v: T): T => structuredClone(v);
const isObj = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(dest: J, source: J): void {
  for (const [k, v] of Object.entries(source)) {
    const d = dest[k];
    if (isObj(d) && isObj(v)) deepMerge(d, v);
    else dest[k] = v;
  }
}

const RANK: Record<string, number> = { optional: 1, recommended: 2, required: 3 };
const rankOf = (r: unknown) => (typeof r === 'string' ? (RANK[r] ?? 0) : 0);

/** One attribute's details merged onto another's, the child's winning (rule 3 and 2). */
function mergeAttributeDetail(dest: J, source: J): void {
  for (const [k, v] of Object.entries(source)) {
    if (!(k in dest)) dest[k] = v;
    else if (isDeepStrictEqual(dest[k], v)) continue;
    else if (k === 'profiles') {
      dest.profiles =
        v === null ? null : [...new Set([...(dest.profiles as string[]), ...(v as string[])])].sort();
    } else if (k === 'requirement' && source.profiles != null && 'profiles' in dest) {
      // An attribute two profiles bring keeps the stronger requirement.
      dest.requirement = Object.keys(RANK).find(
        (r) => RANK[r] === Math.max(rankOf(dest.requirement), rankOf(v)),
      );
    } else if (isObj(dest[k]) && isObj(v)) deepMerge(dest[k] as J, v);
    else dest[k] = v;
  }
}

function mergeAttributes(dest: J, source: J): void {
  for (const [name, attr] of Object.entries(source)) {
    if (name in dest) mergeAttributeDetail(dest[name] as J, attr as J);
    else dest[name] = attr;
  }
}

class GitTree {
  constructor(
    readonly dir: string,
    readonly tag: string,
  ) {}
  files(): string[] {
    return execFileSync('git', ['-C', this.dir, 'ls-tree', '-r', '--name-only', this.tag], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
      .split('\n')
      .filter(Boolean);
  }
  json(path: string): J {
    const text = execFileSync('git', ['-C', this.dir, 'show', `${this.tag}:${path}`], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return JSON.parse(text) as J;
  }
  commit(): string {
    return execFileSync('git', ['-C', this.dir, 'rev-parse', `${this.tag}^{commit}`], {
      encoding: 'utf8',
    }).trim();
  }
}

function readItems(tree: GitTree, files: string[], folder: string): Record<string, J> {
  const out: Record<string, J> = {};
  for (const f of files.filter((p) => p.startsWith(`${folder}/`) && p.endsWith('.json'))) {
    const item = tree.json(f);
    if (typeof item.name !== 'string' || !item.name) throw new Error(`${f}: no name`);
    out[item.name] = item;
  }
  return out;
}

function upgradeProfile(items: Record<string, J>): void {
  for (const item of Object.values(items)) {
    for (const attr of Object.values((item.attributes ?? {}) as Record<string, J>)) {
      if ('profile' in attr) {
        attr.profiles = attr.profile === null ? null : [attr.profile];
        delete attr.profile;
      }
    }
  }
}

function resolveIncludes(item: J, read: (path: string) => J): void {
  const attributes = (item.attributes ??= {}) as J;
  const include = attributes.$include;
  delete attributes.$include;
  for (const path of include === undefined ? [] : Array.isArray(include) ? include : [include]) {
    const inc = read(path as string);
    const base = clone((inc.attributes ?? {}) as Record<string, J>);
    for (const attr of Object.values(base)) {
      if (inc.meta === 'profile') attr.profiles = [inc.name];
      for (const [k, v] of Object.entries((inc.annotations ?? {}) as J)) if (!(k in attr)) attr[k] = v;
    }
    mergeAttributes(base, item.attributes as J);
    item.attributes = base;
  }
  const attrs = item.attributes as Record<string, J>;
  for (const [name, attr] of Object.entries(attrs)) {
    if (isObj(attr) && typeof attr.$include === 'string') {
      const path = attr.$include;
      delete attr.$include;
      const merged = clone(read(path));
      deepMerge(merged, attr);
      attrs[name] = merged;
    }
  }
}

function resolveExtends(items: Record<string, J>): void {
  const done = new Set<string>();
  const visit = (name: string): void => {
    if (done.has(name)) return;
    const item = items[name]!;
    const parentName = item.extends as string | undefined;
    if (parentName) {
      if (!items[parentName]) throw new Error(`${name} extends undefined ${parentName}`);
      visit(parentName);
      const merged = clone(items[parentName]!);
      for (const [k, v] of Object.entries(item)) {
        if (k === 'attributes') {
          const a = (merged.attributes ?? {}) as J;
          mergeAttributes(a, v as J);
          merged.attributes = a;
        } else if (k === 'profiles') {
          const all = new Set([...((merged.profiles as string[]) ?? []), ...((v as string[]) ?? [])]);
          if (all.size) merged.profiles = [...all].sort();
        } else merged[k] = v;
      }
      items[name] = merged;
    }
    done.add(name);
  };
  for (const name of Object.keys(items)) visit(name);
}

/**
 * An item's `profiles` become every profile it or any object it reaches declares (what the
 * compiler lists per class and object; the validator itself reads the profiles of attributes).
 */
function consolidateProfiles(
  classes: Record<string, J>,
  objects: Record<string, J>,
  dict: Record<string, J>,
): void {
  const objectTypeOf = (name: string): string | undefined => dict[name]?.object_type as string | undefined;
  const gather = (name: string, seen: Map<string, string[] | undefined>): void => {
    if (seen.has(name)) return;
    const obj = objects[name];
    if (!obj) throw new Error(`object ${name} is not defined`);
    seen.set(name, obj.profiles as string[] | undefined);
    for (const a of Object.keys((obj.attributes ?? {}) as J)) {
      const t = objectTypeOf(a);
      if (t) gather(t, seen);
    }
  };
  const settle = (item: J, seen: Map<string, string[] | undefined>) => {
    const all = new Set<string>();
    for (const list of seen.values()) for (const p of list ?? []) all.add(p);
    if (all.size) item.profiles = [...all].sort();
  };
  // In place, object after object, as the compiler does: an object already consolidated only
  // lists what it reaches, which the walk reaches anyway.
  for (const obj of Object.values(objects)) {
    const seen = new Map<string, string[] | undefined>();
    gather(obj.name as string, seen);
    settle(obj, seen);
  }
  for (const cls of Object.values(classes)) {
    const seen = new Map<string, string[] | undefined>([['class:', cls.profiles as string[] | undefined]]);
    for (const a of Object.keys((cls.attributes ?? {}) as J)) {
      const t = objectTypeOf(a);
      if (t) gather(t, seen);
    }
    settle(cls, seen);
  }
}

/** Caption of an item, or of the nearest ancestor that has one. */
function captionOf(items: Record<string, J>, item: J): string {
  for (let cur: J | undefined = item; cur; cur = items[cur.extends as string]) {
    if (typeof cur.caption === 'string') return cur.caption;
    if (!cur.extends) break;
  }
  return item.name as string;
}

/**
 * The observable object's type_id values: every `observable` the dictionary, objects and classes
 * declare (the compiler gathers them before `extends` is resolved, so each is counted once).
 */
function observableTypeIds(
  classes: Record<string, J>,
  objects: Record<string, J>,
  dictionary: Compiled['dictionary'],
): J {
  const out: J = {};
  const add = (id: unknown, caption: string) => {
    if (id !== undefined) out[String(id)] = { caption };
  };
  for (const t of Object.values(dictionary.types.attributes)) add(t.observable, t.caption as string);
  for (const a of Object.values(dictionary.attributes)) add(a.observable, a.caption as string);
  for (const [items, kind] of [
    [objects, 'Object'],
    [classes, 'Class'],
  ] as const) {
    for (const item of Object.values(items)) {
      const caption = captionOf(items, item);
      if (kind === 'Object') add(item.observable, caption);
      for (const [name, a] of Object.entries((item.attributes ?? {}) as Record<string, J>))
        add(a.observable, `${caption} ${kind}: ${name}`);
      if (kind === 'Class')
        for (const [path, id] of Object.entries((item.observables ?? {}) as J))
          add(id, `${caption} Class: ${path}`);
    }
  }
  return out;
}

export interface Compiled {
  version: string;
  classes: Record<string, J>;
  objects: Record<string, J>;
  dictionary: { attributes: Record<string, J>; types: { attributes: Record<string, J> } };
  profiles: Record<string, J>;
}

/** The whole base schema at `tag`, compiled by the rules above. */
export function compileSchema(tree: GitTree): Compiled {
  const files = tree.files();
  const version = tree.json('version.json').version as string;
  const categories = (tree.json('categories.json').attributes ?? {}) as Record<string, J>;
  const dictionary = tree.json('dictionary.json') as Compiled['dictionary'];
  let classes = readItems(tree, files, 'events');
  let objects = readItems(tree, files, 'objects');
  const profiles = readItems(tree, files, 'profiles');
  upgradeProfile(classes);
  upgradeProfile(objects);

  const cache = new Map<string, J>();
  const read = (path: string): J => {
    if (!cache.has(path)) cache.set(path, tree.json(path));
    return cache.get(path)!;
  };
  for (const c of Object.values(classes)) resolveIncludes(c, read);
  for (const o of Object.values(objects)) resolveIncludes(o, read);

  const types = dictionary.types.attributes;
  const observableTypes = observableTypeIds(classes, objects, dictionary);
  for (const attr of Object.values(dictionary.attributes)) {
    if (!((attr.type as string) in types)) {
      attr.object_type = attr.type;
      attr.type = 'object_t';
    }
  }

  resolveExtends(classes);
  classes = Object.fromEntries(
    Object.entries(classes).filter(([name, c]) => name === 'base_event' || c.uid !== undefined),
  );
  for (const c of Object.values(classes)) {
    const category = categories[c.category as string];
    const categoryUid = (category?.uid as number | undefined) ?? 0;
    const uid = categoryUid * 1000 + ((c.uid as number | undefined) ?? 0);
    c.uid = uid;
    const attrs = c.attributes as Record<string, J>;
    const activities = (attrs.activity_id?.enum ?? {}) as Record<string, J>;
    const typeEnum: J = {};
    for (const [id, a] of Object.entries(activities)) {
      typeEnum[String(uid * 100 + Number(id))] = { ...clone(a), caption: `${c.caption}: ${a.caption}` };
    }
    typeEnum[String(uid * 100)] = { caption: `${c.caption}: Unknown` };
    (attrs.type_uid ??= {}).enum = typeEnum;
    (attrs.class_uid ??= {}).enum = {
      [String(uid)]: { caption: c.caption, description: c.description ?? '' },
    };
    attrs.class_name ??= {};
    if (category) {
      c.category_uid = categoryUid;
      c.category_name = category.caption;
      (attrs.category_uid ??= {}).enum = { [String(categoryUid)]: clone(category) };
      attrs.category_name ??= {};
    } else c.category_uid = 0;
  }

  resolveExtends(objects);
  objects = Object.fromEntries(Object.entries(objects).filter(([name]) => !name.startsWith('_')));
  const observable = (objects.observable?.attributes as Record<string, J> | undefined)?.type_id;
  if (observable) observable.enum = { ...((observable.enum as J) ?? {}), ...observableTypes };

  consolidateProfiles(classes, objects, dictionary.attributes);

  // Rule 7, in the dictionary first (so `<name>_dt` has a definition), then in classes and objects.
  if ('datetime' in profiles && 'datetime_t' in types) {
    for (const [name, attr] of Object.entries(dictionary.attributes)) {
      if (attr.type === 'timestamp_t')
        dictionary.attributes[`${name}_dt`] = { ...clone(attr), type: 'datetime_t' };
    }
    for (const item of [...Object.values(classes), ...Object.values(objects)]) {
      const attrs = item.attributes as Record<string, J>;
      for (const [name, attr] of Object.entries({ ...attrs })) {
        const type = (attr.type ?? dictionary.attributes[name]?.type) as string | undefined;
        if (type !== 'timestamp_t') continue;
        attrs[`${name}_dt`] = { ...clone(attr), profiles: ['datetime'], requirement: 'optional' };
        const p = ((item.profiles as string[] | undefined) ??= []);
        if (!p.includes('datetime')) {
          p.push('datetime');
          p.sort();
        }
      }
    }
  }

  for (const item of [...Object.values(classes), ...Object.values(objects)]) {
    const attrs = item.attributes as Record<string, J>;
    for (const [name, attr] of Object.entries(attrs)) {
      attr.requirement ??= 'optional';
      const def = dictionary.attributes[name];
      if (!def) throw new Error(`${String(item.name)}.${name} is not in the dictionary`);
      const full = clone(def);
      deepMerge(full, attr);
      attrs[name] = full;
    }
  }
  return { version, classes, objects, dictionary, profiles };
}

/** What the validator reads of an attribute, a class or an object, an enum value and a type. */
const ATTRIBUTE_KEYS = [
  'type',
  'object_type',
  'is_array',
  'requirement',
  'enum',
  'sibling',
  'profiles',
  '@deprecated',
];
const ITEM_KEYS = [
  'name',
  'caption',
  'uid',
  'category_uid',
  'extends',
  'profiles',
  'constraints',
  '@deprecated',
];
const ENUM_KEYS = ['caption', '@deprecated'];
const TYPE_KEYS = ['caption', 'type', 'max_len', 'range', 'regex', 'values'];

function pick(o: J, keys: string[]): J {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

function slimAttribute(a: J): J {
  const out = pick(a, ATTRIBUTE_KEYS);
  if (isObj(out.enum)) {
    out.enum = Object.fromEntries(Object.entries(out.enum).map(([k, v]) => [k, pick(v as J, ENUM_KEYS)]));
  }
  return out;
}

function slimItem(item: J): J {
  const out = pick(item, ITEM_KEYS);
  out.attributes = Object.fromEntries(
    Object.entries((item.attributes ?? {}) as Record<string, J>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, slimAttribute(v)]),
  );
  return out;
}

export interface Fixture {
  source: { repository: string; tag: string; commit: string; rules: string };
  version: string;
  classes: Record<string, J>;
  objects: Record<string, J>;
  types: Record<string, J>;
  profiles: string[];
}

/** The emitted classes and every object they can reach (through any attribute, profile ones too). */
export function fixtureOf(compiled: Compiled, source: Fixture['source']): Fixture {
  const classes: Record<string, J> = {};
  const objects: Record<string, J> = {};
  const reach = (item: J): void => {
    for (const attr of Object.values(item.attributes as Record<string, J>)) {
      const o = attr.object_type as string | undefined;
      if (!o || o in objects) continue;
      const obj = compiled.objects[o];
      if (!obj) throw new Error(`object ${o} is not defined`);
      objects[o] = slimItem(obj);
      reach(obj);
    }
  };
  for (const name of EMITTED_CLASSES) {
    const c = compiled.classes[name];
    if (!c) throw new Error(`class ${name} is not in OCSF ${compiled.version}`);
    classes[name] = slimItem(c);
    reach(c);
  }
  const sorted = Object.fromEntries(
    Object.keys(objects)
      .sort()
      .map((k) => [k, objects[k]!]),
  );
  return {
    source,
    version: compiled.version,
    classes,
    objects: sorted,
    types: Object.fromEntries(
      Object.entries(compiled.dictionary.types.attributes).map(([k, v]) => [k, pick(v, TYPE_KEYS)]),
    ),
    profiles: Object.keys(compiled.profiles).sort(),
  };
}

/** Differences between this fixture and the same slice of OCSF's own compiler output. */
export function compareWithCompiler(fixture: Fixture, official: Compiled): string[] {
  const problems: string[] = [];
  const same = (what: string, mine: J, theirs: J | undefined) => {
    if (!theirs) return problems.push(`${what}: missing from the compiler's output`);
    const t = slimItem(theirs);
    for (const k of new Set([...Object.keys(mine.attributes as J), ...Object.keys(t.attributes as J)])) {
      const a = (mine.attributes as J)[k];
      const b = (t.attributes as J)[k];
      if (!isDeepStrictEqual(a, b))
        problems.push(`${what}.${k}: mine ${JSON.stringify(a)} vs compiler ${JSON.stringify(b)}`);
    }
    for (const k of ITEM_KEYS) {
      if (!isDeepStrictEqual(mine[k], t[k]))
        problems.push(`${what} ${k}: mine ${JSON.stringify(mine[k])} vs compiler ${JSON.stringify(t[k])}`);
    }
  };
  for (const [n, c] of Object.entries(fixture.classes)) same(`class ${n}`, c, official.classes[n]);
  for (const [n, o] of Object.entries(fixture.objects)) same(`object ${n}`, o, official.objects[n]);
  return problems;
}

function main(argv: string[]): void {
  const args = [...argv];
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const tag = flag('--tag') ?? '1.3.0';
  const out = resolve(flag('--out') ?? `test/fixtures/ocsf-${tag}/schema.json`);
  const compare = flag('--compare');
  const dir = args[0];
  if (!dir) {
    process.stderr.write(
      'usage: scripts/ocsf-fixture.ts <ocsf-schema git dir> [--tag T] [--out F] [--compare F]\n',
    );
    process.exit(2);
  }
  const tree = new GitTree(dir, tag);
  const fixture = fixtureOf(compileSchema(tree), {
    repository: 'https://github.com/ocsf/ocsf-schema',
    tag,
    commit: tree.commit(),
    rules: 'scripts/ocsf-fixture.ts (the compilation rules of github.com/ocsf/ocsf-schema-compiler)',
  });
  if (compare) {
    const problems = compareWithCompiler(fixture, JSON.parse(readFileSync(compare, 'utf8')) as Compiled);
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.stderr.write(
      `${problems.length} difference(s) from ${compare} over ${Object.keys(fixture.classes).length} classes and ${Object.keys(fixture.objects).length} objects\n`,
    );
    if (problems.length) process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(fixture, null, 1) + '\n');
  process.stderr.write(`wrote ${out}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename))
  main(process.argv.slice(2));
