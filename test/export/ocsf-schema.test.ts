/**
 * The OCSF 1.3.0 check the export tests rely on: the compiled fixture holds what the published
 * schema says, and the validator applies the OCSF server's rules to it (each rule shown failing).
 */
import { describe, expect, it } from 'vitest';
import { ocsfFixture, validateOcsf } from '../support/ocsf-validate.ts';

/** A minimal valid Entity Management event. */
function base(): Record<string, unknown> {
  return {
    activity_id: 3,
    activity_name: 'Update',
    category_uid: 3,
    class_uid: 3004,
    type_uid: 300403,
    time: 1767225600000,
    severity_id: 1,
    severity: 'Informational',
    entity: { name: 'main', type: 'Branch', type_id: 99 },
    metadata: { version: '1.3.0', product: { name: 'shiplog', vendor_name: 'shiplog' } },
  };
}

const types = (r: ReturnType<typeof validateOcsf>['errors']) => r.map((e) => `${e.type} ${e.path}`);

describe('the OCSF 1.3.0 fixture', () => {
  const schema = ocsfFixture();

  it('says where it came from and holds the four classes shiplog emits with their uids', () => {
    expect(schema.source).toMatchObject({ repository: 'https://github.com/ocsf/ocsf-schema', tag: '1.3.0' });
    expect(schema.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(schema.version).toBe('1.3.0');
    expect(Object.fromEntries(Object.entries(schema.classes).map(([k, c]) => [k, c.uid]))).toEqual({
      application_lifecycle: 6002,
      datastore_activity: 6005,
      entity_management: 3004,
      compliance_finding: 2003,
    });
  });

  it('resolves extends, profiles and the dictionary as the OCSF compiler does', () => {
    const al = schema.classes.application_lifecycle!.attributes;
    // From base_event (extends application → base_event), required there.
    expect(al.severity_id).toMatchObject({ type: 'integer_t', requirement: 'required', sibling: 'severity' });
    // The class's own.
    expect(al.app).toMatchObject({ type: 'object_t', object_type: 'product', requirement: 'required' });
    // Brought by profiles: actor by host, osint by base_event's osint profile, time_dt by datetime.
    expect(al.actor).toMatchObject({ object_type: 'actor', profiles: ['host'] });
    expect(al.osint).toMatchObject({ requirement: 'required', profiles: ['osint'], is_array: true });
    expect(al.time_dt).toMatchObject({ type: 'datetime_t', profiles: ['datetime'] });
    expect(al.type_uid!.enum!['600208']).toEqual({ caption: 'Application Lifecycle: Update' });
    // 6005 names actor itself: no profile needed there.
    expect(schema.classes.datastore_activity!.attributes.actor).toMatchObject({ requirement: 'required' });
    expect(schema.classes.datastore_activity!.attributes.actor!.profiles).toBeUndefined();
    expect(schema.objects.database!.attributes.type_id).toMatchObject({ requirement: 'required' });
    expect(schema.objects.database!.constraints).toEqual({ at_least_one: ['name', 'uid'] });
    expect(schema.objects.product!.attributes.vendor_name!.requirement).toBe('required');
    expect(schema.types.timestamp_t).toMatchObject({ type: 'long_t' });
    expect(schema.profiles).toEqual(
      expect.arrayContaining(['cloud', 'container', 'datetime', 'host', 'osint', 'security_control']),
    );
  });
});

describe('validateOcsf (the OCSF server’s rules)', () => {
  it('accepts a minimal valid event', () => {
    expect(validateOcsf(base())).toEqual({ errors: [], warnings: [] });
  });

  it('required attributes, in the event and in its objects; null counts as absent', () => {
    const { entity: _e, ...noEntity } = base();
    expect(types(validateOcsf(noEntity).errors)).toEqual(['attribute_required_missing entity']);
    const e = base();
    (e.metadata as Record<string, unknown>).product = { name: 'shiplog', vendor_name: null };
    expect(types(validateOcsf(e).errors)).toEqual([
      'attribute_required_missing metadata.product.vendor_name',
    ]);
    expect(types(validateOcsf({ ...base(), class_uid: 9999 }).errors)).toEqual([
      'class_uid_unknown class_uid',
    ]);
  });

  it('types: integers (a string or a fraction is not one), strings, arrays, objects', () => {
    const r = validateOcsf({
      ...base(),
      severity_id: '1',
      time: 1.5,
      message: 42,
      entity: 'main',
      metadata: { version: '1.3.0', product: { name: 'x', vendor_name: 'x' }, labels: 'deploy' },
    });
    expect(types(r.errors).sort()).toEqual([
      'attribute_wrong_type entity',
      'attribute_wrong_type message',
      'attribute_wrong_type metadata.labels',
      'attribute_wrong_type severity_id',
      'attribute_wrong_type time',
    ]);
  });

  it('unknown attributes are refused, except inside an open object (unmapped)', () => {
    const r = validateOcsf({ ...base(), shiplog_seq: 3, unmapped: { anything: { goes: [1] } } });
    expect(types(r.errors)).toEqual(['attribute_unknown shiplog_seq']);
    const nested = base();
    (nested.entity as Record<string, unknown>).branch = 'main';
    expect(types(validateOcsf(nested).errors)).toEqual(['attribute_unknown entity.branch']);
  });

  it('an attribute a profile adds needs the profile declared; an undefined profile is refused', () => {
    const actor = { user: { name: 'alice' } };
    const r = validateOcsf({ ...base(), actor });
    expect(r.errors.map((e) => e.message)).toEqual([
      '"actor" exists only with the host profile, which metadata.profiles does not declare',
    ]);
    const declared = base();
    (declared.metadata as Record<string, unknown>).profiles = ['host'];
    expect(validateOcsf({ ...declared, actor }).errors).toEqual([]);
    (declared.metadata as Record<string, unknown>).profiles = ['host', 'shiplog'];
    expect(types(validateOcsf({ ...declared, actor }).errors)).toEqual([
      'profile_unknown metadata.profiles[1]',
    ]);
    // Declaring osint makes its attribute required: a profile is not a free pass.
    (declared.metadata as Record<string, unknown>).profiles = ['osint'];
    expect(types(validateOcsf(declared).errors)).toEqual(['attribute_required_missing osint']);
  });

  it('enums: values must be defined; a sibling that disagrees with the caption warns', () => {
    expect(types(validateOcsf({ ...base(), activity_id: 42, type_uid: 300442 }).errors)).toEqual([
      'attribute_enum_value_unknown activity_id',
      'attribute_enum_value_unknown type_uid',
    ]);
    const r = validateOcsf({ ...base(), severity: 'High' });
    expect(r.errors).toEqual([]);
    expect(types(r.warnings)).toEqual(['attribute_enum_sibling_incorrect severity']);
    // 99 Other: the sibling carries the source's own word, and "Other" itself is suspicious.
    const other = { ...base(), activity_id: 99, type_uid: 300499 };
    expect(validateOcsf({ ...other, activity_name: 'canary-analysis' }).warnings).toEqual([]);
    expect(types(validateOcsf({ ...other, activity_name: 'Other' }).warnings)).toEqual([
      'attribute_enum_sibling_suspicious_other activity_name',
    ]);
  });

  it('constraints of the class and of each object; type_uid arithmetic; version', () => {
    expect(types(validateOcsf({ ...base(), entity: { type: 'Branch' } }).errors)).toEqual([
      'constraint_failed entity',
    ]);
    expect(types(validateOcsf({ ...base(), type_uid: 300401 }).errors)).toEqual([
      'type_uid_incorrect type_uid',
    ]);
    const later = base();
    (later.metadata as Record<string, unknown>).version = '1.4.0';
    expect(types(validateOcsf(later).errors)).toEqual(['version_incompatible_later metadata.version']);
  });

  it('observables must name an attribute of the class', () => {
    const r = validateOcsf({
      ...base(),
      observables: [
        { name: 'entity.name', type_id: 99, value: 'main' },
        { name: 'entity.nope', type_id: 99, value: 'x' },
      ],
    });
    expect(types(r.errors)).toEqual(['observable_name_invalid_reference observables[1].name']);
  });
});
