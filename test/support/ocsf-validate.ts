/**
 * Validates an OCSF event against the compiled OCSF 1.3.0 fixture (test/fixtures/ocsf-1.3.0) with
 * the rules of the OCSF server's event validator (github.com/ocsf/ocsf-server, lib/schema/
 * validator2.ex), written anew here:
 *
 * - the class is found by `class_uid`; `metadata.profiles` names only profiles the schema defines;
 * - an attribute a profile adds exists only when `metadata.profiles` declares that profile (in the
 *   event and in every object in it); any other key is an unknown attribute, except inside an
 *   object type with no attributes at all (`object`, as `unmapped` is);
 * - required attributes are present (null counts as absent); recommended ones only warn;
 * - values have their dictionary type: integer_t/long_t integers, float_t a non-integral number
 *   (an integral one is sent as an integer, which the server reads as one), boolean_t, string_t
 *   within max_len (regex mismatch warns), json_t anything, object_t a JSON object checked against
 *   its object, arrays where `is_array`, ranges and allowed values of the type and its super type;
 * - an enum attribute (`*_id`) holds one of its values; its sibling (`*_id` → name) warns when it
 *   differs from the value's caption (for 99 Other: when it equals "Other"); for arrays it errs;
 * - `at_least_one` / `just_one` constraints of the class and of every object;
 * - `type_uid` = class_uid * 100 + activity_id; `metadata.version` not later than the schema's.
 * - `observables[].name` refers to an attribute of the class (through objects, with the profiles).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type J = Record<string, unknown>;

export interface SchemaAttribute {
  type: string;
  object_type?: string;
  is_array?: boolean;
  requirement?: 'required' | 'recommended' | 'optional';
  enum?: Record<string, { caption?: string; '@deprecated'?: unknown }>;
  sibling?: string;
  profiles?: string[] | null;
  '@deprecated'?: unknown;
}

export interface SchemaItem {
  name: string;
  caption?: string;
  uid?: number;
  attributes: Record<string, SchemaAttribute>;
  constraints?: { at_least_one?: string[]; just_one?: string[] } & Record<string, string[]>;
  '@deprecated'?: unknown;
}

export interface OcsfFixture {
  source: { repository: string; tag: string; commit: string };
  version: string;
  classes: Record<string, SchemaItem>;
  objects: Record<string, SchemaItem>;
  types: Record<
    string,
    { type?: string; max_len?: number; range?: [number, number]; regex?: string; values?: unknown[] }
  >;
  profiles: string[];
}

export interface Finding {
  type: string;
  path: string;
  message: string;
}

export interface ValidationResult {
  errors: Finding[];
  warnings: Finding[];
}

let cached: OcsfFixture | undefined;

export function ocsfFixture(): OcsfFixture {
  cached ??= JSON.parse(
    readFileSync(fileURLToPath(new URL('../fixtures/ocsf-1.3.0/schema.json', import.meta.url)), 'utf8'),
  ) as OcsfFixture;
  return cached;
}

const isMap = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (parent: string | undefined, key: string) => (parent ? `${parent}.${key}` : key);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  return typeof v;
}

function versionParts(v: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-.*)?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function validateOcsf(
  event: unknown,
  options: { schema?: OcsfFixture; warnRecommended?: boolean } = {},
): ValidationResult {
  const schema = options.schema ?? ocsfFixture();
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const err = (type: string, path: string, message: string) => errors.push({ type, path, message });
  const warn = (type: string, path: string, message: string) => warnings.push({ type, path, message });

  if (!isMap(event)) {
    err('event_wrong_type', '', `an event is a JSON object, not ${describe(event)}`);
    return { errors, warnings };
  }
  const classUid = event.class_uid;
  if (classUid === undefined || classUid === null) {
    err('attribute_required_missing', 'class_uid', 'required attribute "class_uid" is missing');
    return { errors, warnings };
  }
  if (!Number.isSafeInteger(classUid)) {
    err('attribute_wrong_type', 'class_uid', `"class_uid" must be an integer, got ${describe(classUid)}`);
    return { errors, warnings };
  }
  const cls = Object.values(schema.classes).find((c) => c.uid === classUid);
  if (!cls) {
    err('class_uid_unknown', 'class_uid', `no class ${String(classUid)} in the fixture`);
    return { errors, warnings };
  }

  let profiles: string[] = [];
  const metadata = event.metadata;
  if (isMap(metadata) && Array.isArray(metadata.profiles)) {
    metadata.profiles.forEach((p, i) => {
      if (typeof p === 'string' && !schema.profiles.includes(p))
        err('profile_unknown', `metadata.profiles[${i}]`, `no profile "${p}" is defined`);
    });
    profiles = metadata.profiles.filter((p): p is string => typeof p === 'string');
  }

  const visible = (item: SchemaItem): [string, SchemaAttribute][] =>
    Object.entries(item.attributes).filter(
      ([, a]) => a.profiles == null || a.profiles.some((p) => profiles.includes(p)),
    );

  const constraints = (value: J, item: SchemaItem, path: string | undefined) => {
    for (const [kind, keys] of Object.entries(item.constraints ?? {})) {
      const count = keys.filter((k) => k in value).length;
      const where = path ? `object "${item.name}" at "${path}"` : `class "${item.name}"`;
      if (kind === 'at_least_one') {
        if (count === 0)
          err('constraint_failed', path ?? '', `${where} needs at least one of ${keys.join(', ')}`);
      } else if (kind === 'just_one') {
        if (count !== 1)
          err(
            'constraint_failed',
            path ?? '',
            `${where} needs exactly one of ${keys.join(', ')}, has ${count}`,
          );
      } else err('constraint_unknown', path ?? '', `unknown constraint ${kind}`);
    }
  };

  const primitive = (value: unknown, path: string, typeName: string) => {
    const type = schema.types[typeName];
    if (!type) {
      err('schema_bug_type_missing', path, `type ${typeName} is not in the dictionary`);
      return;
    }
    const superName = type.type;
    const base = superName ?? typeName;
    const superType = superName ? schema.types[superName] : undefined;
    const wrong = () =>
      err(
        'attribute_wrong_type',
        path,
        `"${path}" must be ${typeName}${superName ? ` (${superName})` : ''}, got ${describe(value)}`,
      );
    const inRange = (n: number) => {
      const range = type.range ?? superType?.range;
      if (range && (n < range[0] || n > range[1]))
        err('attribute_value_exceeds_range', path, `"${path}" is outside ${range[0]}..${range[1]}`);
    };
    const inValues = () => {
      const values = type.values ?? superType?.values;
      if (values && !values.includes(value))
        err('attribute_value_not_in_type_values', path, `"${path}" is not one of ${typeName}'s values`);
    };
    switch (base) {
      case 'boolean_t':
        if (typeof value !== 'boolean') return wrong();
        return inValues();
      case 'integer_t':
      case 'long_t':
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) return wrong();
        inRange(value);
        return inValues();
      case 'float_t':
        // JSON.stringify writes 2.0 as 2, which every JSON reader takes for an integer.
        if (typeof value !== 'number' || Number.isInteger(value) || !Number.isFinite(value)) return wrong();
        inRange(value);
        return inValues();
      case 'json_t':
        return;
      case 'string_t': {
        if (typeof value !== 'string') return wrong();
        const max = type.max_len ?? superType?.max_len;
        const len = [...value].length;
        if (max !== undefined && len > max)
          err('attribute_value_exceeds_max_len', path, `"${path}" is ${len} characters, more than ${max}`);
        const regex = type.regex ?? superType?.regex;
        if (regex && !new RegExp(regex).test(value))
          warn('attribute_value_regex_not_matched', path, `"${path}" does not match ${typeName}'s pattern`);
        return inValues();
      }
      default:
        err('schema_bug_primitive_type_unknown', path, `unknown primitive type ${base}`);
    }
  };

  const one = (value: unknown, path: string, attr: SchemaAttribute) => {
    if (attr.type === 'object_t') {
      const obj = schema.objects[attr.object_type ?? ''];
      if (!obj)
        return err('schema_bug_object_missing', path, `object ${attr.object_type} is not in the fixture`);
      if (!isMap(value))
        return err(
          'attribute_wrong_type',
          path,
          `"${path}" must be a ${obj.name} object, got ${describe(value)}`,
        );
      if (obj['@deprecated']) warn('object_deprecated', path, `object ${obj.name} is deprecated`);
      attributes(value, path, obj);
      constraints(value, obj, path);
      return;
    }
    primitive(value, path, attr.type);
  };

  const attributes = (value: J, parent: string | undefined, item: SchemaItem) => {
    const known = visible(item);
    for (const [name, attr] of known) {
      const path = join(parent, name);
      const v = value[name];
      if (v === undefined || v === null) {
        if (attr.requirement === 'required')
          err('attribute_required_missing', path, `required attribute "${path}" is missing`);
        else if (attr.requirement === 'recommended' && options.warnRecommended)
          warn('attribute_recommended_missing', path, `recommended attribute "${path}" is missing`);
        continue;
      }
      if (attr['@deprecated']) warn('attribute_deprecated', path, `"${path}" is deprecated`);
      if (attr.is_array) {
        if (!Array.isArray(v)) {
          err('attribute_wrong_type', path, `"${path}" must be an array of ${attr.object_type ?? attr.type}`);
          continue;
        }
        v.forEach((el, i) => one(el, `${path}[${i}]`, attr));
      } else one(v, path, attr);
    }
    // An object type without attributes (`object`) is open: anything goes inside it.
    if (Object.keys(item.attributes).length > 0) {
      const names = new Set(known.map(([n]) => n));
      for (const key of Object.keys(value)) {
        if (names.has(key)) continue;
        const path = join(parent, key);
        const profileOnly = item.attributes[key]?.profiles;
        err(
          'attribute_unknown',
          path,
          profileOnly
            ? `"${path}" exists only with the ${profileOnly.join(' or ')} profile, which metadata.profiles does not declare`
            : `"${path}" is not an attribute of ${item.uid !== undefined ? `class ${item.name}` : `object ${item.name}`}`,
        );
      }
    }
    for (const [name, attr] of known) {
      if (!attr.enum || !(name in value)) continue;
      const v = value[name];
      const path = join(parent, name);
      const sibling = attr.sibling;
      if (attr.is_array && Array.isArray(v)) {
        v.forEach((el, i) => {
          const entry = attr.enum![String(el)];
          if (!entry)
            return err(
              'attribute_enum_array_value_unknown',
              `${path}[${i}]`,
              `${String(el)} is not a value of ${name}`,
            );
          if (el === 99 || !sibling || !(sibling in value)) return;
          const s = (value[sibling] as unknown[] | undefined)?.[i];
          if (s === undefined)
            err('attribute_enum_array_sibling_missing', `${join(parent, sibling)}[${i}]`, `missing`);
          else if (s !== entry.caption)
            err(
              'attribute_enum_array_sibling_incorrect',
              `${join(parent, sibling)}[${i}]`,
              `expected "${entry.caption}", got ${JSON.stringify(s)}`,
            );
        });
        continue;
      }
      const entry = attr.enum[String(v)];
      if (!entry) {
        err(
          'attribute_enum_value_unknown',
          path,
          `${JSON.stringify(v)} is not a value of ${name} (${Object.keys(attr.enum).join(', ')})`,
        );
        continue;
      }
      if (entry['@deprecated']) warn('attribute_enum_value_deprecated', path, `${String(v)} is deprecated`);
      if (!sibling || !(sibling in value)) continue;
      const s = value[sibling];
      const sPath = join(parent, sibling);
      if (v === 99) {
        if (s === entry.caption)
          warn(
            'attribute_enum_sibling_suspicious_other',
            sPath,
            `for 99 Other, "${sPath}" should be the source's own value`,
          );
      } else if (s !== entry.caption) {
        warn(
          'attribute_enum_sibling_incorrect',
          sPath,
          `"${sPath}" is ${JSON.stringify(s)}, the caption of ${name} ${String(v)} is "${entry.caption}"`,
        );
      }
    }
  };

  if (cls['@deprecated']) warn('class_deprecated', '', `class ${cls.name} is deprecated`);
  attributes(event, undefined, cls);

  if (isMap(metadata) && typeof metadata.version === 'string') {
    const mine = versionParts(metadata.version);
    const theirs = versionParts(schema.version)!;
    if (!mine) err('version_invalid', 'metadata.version', `"${metadata.version}" is not a version`);
    else {
      const cmp = mine[0]! - theirs[0]! || mine[1]! - theirs[1]! || mine[2]! - theirs[2]!;
      if (cmp > 0)
        err(
          'version_incompatible_later',
          'metadata.version',
          `${metadata.version} is later than ${schema.version}`,
        );
      else if (cmp < 0)
        warn('version_earlier', 'metadata.version', `${metadata.version} is earlier than ${schema.version}`);
    }
  }

  const { activity_id: a, type_uid: t } = event;
  const expected = (classUid as number) * 100 + (a as number);
  if (Number.isInteger(a) && Number.isInteger(t) && t !== expected)
    err('type_uid_incorrect', 'type_uid', `type_uid ${String(t)} is not ${expected}`);

  constraints(event, cls, undefined);

  if (Array.isArray(event.observables)) {
    event.observables.forEach((o, i) => {
      if (!isMap(o) || typeof o.name !== 'string') return;
      let item: SchemaItem | undefined = cls;
      const parts = o.name.split(/\.(?![^[]*\])/);
      for (const [k, part] of parts.entries()) {
        const m = /^([^[]+)\[.*\]$/.exec(part);
        const key = m ? m[1]! : part;
        const attr: SchemaAttribute | undefined = item
          ? visible(item).find(([n]) => n === key)?.[1]
          : undefined;
        if (!attr || (m && !attr.is_array)) item = undefined;
        else if (k < parts.length - 1)
          item = attr.type === 'object_t' ? schema.objects[attr.object_type!] : undefined;
        if (!item) break;
      }
      if (!item)
        err(
          'observable_name_invalid_reference',
          `observables[${i}].name`,
          `"${o.name}" is not an attribute of ${cls.name}`,
        );
    });
  }
  return { errors, warnings };
}

/** The errors only, as "path: message" lines: `expect(ocsfErrors(event)).toEqual([])`. */
export function ocsfErrors(event: unknown): string[] {
  return validateOcsf(event).errors.map((e) => `${e.path}: ${e.message}`);
}
