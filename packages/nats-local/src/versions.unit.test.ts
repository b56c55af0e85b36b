import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  isSupported,
  type NatsVersions,
  parseNatsVersions,
  unsupportedMessage,
  versionFromOutput,
} from './versions.js';

// the content of infra/nats/versions.json when this was written; the range rules do not depend on the file
const spec: NatsVersions = parseNatsVersions(
  {
    minimum: '2.12.15',
    minimumPerMinor: ['2.12.15', '2.14.4', '2.15.0'],
    newestTested: '2.15.1',
    image: 'nats:2.15.1-alpine',
  },
  'versions.json',
);

describe('the supported nats-server range', () => {
  it.each(['2.12.15', '2.12.16', '2.14.4', '2.14.9', '2.15.0', '2.15.1', '2.16.0', '2.17.3'])(
    '%s is supported',
    (v) => {
      expect(isSupported(v, spec)).toBe(true);
    },
  );

  it.each([
    '2.9.10', // Debian bookworm
    '2.10.27', // Debian trixie
    '2.11.0',
    '2.11.15',
    '2.12.0',
    '2.12.14',
    '2.13.9', // no floor on its line
    '2.14.3',
    '2.15.0-RC.1',
    '3.0.0',
    'not a version',
  ])('%s is refused', (v) => {
    expect(isSupported(v, spec)).toBe(false);
  });

  it('compares numerically, a pre-release before its release', () => {
    expect(compareVersions('2.9.10', '2.10.0')).toBeLessThan(0);
    expect(compareVersions('2.12.15', '2.12.9')).toBeGreaterThan(0);
    expect(compareVersions('2.15.1', 'v2.15.1')).toBe(0);
    expect(compareVersions('2.15.0-RC.1', '2.15.0')).toBeLessThan(0);
    expect(() => compareVersions('2.15', '2.15.0')).toThrow(/not a version/);
  });

  it('reads the version out of `nats-server --version`', () => {
    expect(versionFromOutput('nats-server: v2.15.1\n')).toBe('2.15.1');
    expect(versionFromOutput('nats-server: v2.12.0-RC.2\n')).toBe('2.12.0-RC.2');
    expect(versionFromOutput('usage: nats-server [options]')).toBeUndefined();
  });

  it('refuses a versions file whose minimum is not its oldest floor or whose tested version is outside it', () => {
    const base = { minimumPerMinor: ['2.12.15', '2.15.0'], image: 'nats:x' };
    expect(() => parseNatsVersions({ ...base, minimum: '2.15.0', newestTested: '2.15.1' }, 'f.json')).toThrow(
      'f.json: "minimum" 2.15.0 is not the oldest of "minimumPerMinor"',
    );
    expect(() =>
      parseNatsVersions({ ...base, minimum: '2.12.15', newestTested: '2.13.1' }, 'f.json'),
    ).toThrow('f.json: "newestTested" 2.13.1 is outside the supported range');
    expect(() => parseNatsVersions({ ...base, newestTested: '2.15.1' }, 'f.json')).toThrow(
      'f.json: "minimum" must be a string',
    );
  });

  it('the refusal names the version found, the minimum and the one command that installs a good one', () => {
    expect(unsupportedMessage({ version: '2.9.10', bin: '/usr/sbin/nats-server' }, spec)).toBe(
      'nats-server 2.9.10 (/usr/sbin/nats-server) is not supported: hyperflow needs at least 2.12.15 ' +
        '(2.12.15+ on 2.12, 2.14.4+ on 2.14, 2.15.0 and later; newest tested 2.15.1). ' +
        'Install a supported one with: bash scripts/install-nats.sh',
    );
  });
});
