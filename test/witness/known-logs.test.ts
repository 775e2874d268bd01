import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownLogsFrom } from '../../src/witness/known-logs.ts';
import { keyFiles, tempDir } from './log-fixture.ts';

describe('the witness known-logs configuration', () => {
  it('reads ORIGIN KEYFILE lines (relative to the file, # comments) and --log flags; an origin may have two keys', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'keys'));
    const a = keyFiles(join(dir, 'keys'), 'a');
    const b = keyFiles(join(dir, 'keys'), 'b');
    const file = join(dir, 'known-logs');
    writeFileSync(
      file,
      `# ledgers we witness\ngithub.com/acme/web/shiplog keys/a.pub\n\ngithub.com/acme/api/shiplog  keys/a.pub # rotation:\ngithub.com/acme/api/shiplog keys/b.pub\n`,
    );
    const logs = knownLogsFrom([`example.test/log=${b.pubFile}`], file);
    expect([...logs.keys()].sort()).toEqual([
      'example.test/log',
      'github.com/acme/api/shiplog',
      'github.com/acme/web/shiplog',
    ]);
    expect(logs.get('github.com/acme/api/shiplog')!.map((k) => k.keyid)).toEqual([
      a.trusted.keyid,
      b.trusted.keyid,
    ]);
    writeFileSync(file, 'only-an-origin\n');
    expect(() => knownLogsFrom([], file)).toThrow(/line 1: expected "ORIGIN KEYFILE"/);
    expect(() => knownLogsFrom([`bad origin=${a.pubFile}`])).toThrow(/origin/);
    expect(() => knownLogsFrom([`x=${a.keyFile}`])).toThrow(/private key/);
    expect(() => knownLogsFrom([])).toThrow(/knows no log/);
  });
});
