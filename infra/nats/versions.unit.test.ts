import { describeRange, isSupported, readNatsVersions } from '@hyperflow/nats-local';
import { describe, expect, it } from 'vitest';
import { listFiles, read, readYaml, root } from '../repo-support.js';

// infra/nats/versions.json names the supported nats-server range and the image once; everything
// that runs or documents a server must agree with it.
const spec = readNatsVersions(root);
const [imageRepo, imageTag] = spec.image.split(':') as [string, string];

/** every `nats:<tag>` image reference (compose `image:`, a k8s `image:`), with where it is */
function natsImageRefs(file: string): string[] {
  return [...read(file).matchAll(/\bimage:\s*["']?(nats:[\w.-]+)/g)].map((m) => m[1] as string);
}

describe('infra/nats/versions.json', () => {
  it('names an image of the newest tested server', () => {
    expect(imageRepo).toBe('nats');
    expect(imageTag.startsWith(`${spec.newestTested}-`) || imageTag === spec.newestTested).toBe(true);
    expect(isSupported(spec.newestTested, spec)).toBe(true);
  });

  it('docker compose runs that image', () => {
    const compose = readYaml<{ services: Record<string, { image?: string }> }>('docker-compose.yml');
    expect(compose.services.nats?.image).toBe(spec.image);
    expect(natsImageRefs('docker-compose.yml')).toEqual([spec.image]);
  });

  it('the Helm values run that image, and no k8s manifest names another', () => {
    const values = readYaml<{ container: { image: { repository?: string; tag: string } } }>(
      'infra/k8s/nats/values.yaml',
    );
    expect(values.container.image.tag).toBe(imageTag);
    expect(values.container.image.repository ?? 'nats').toBe(imageRepo);
    const refs = listFiles('infra/k8s', /\.ya?ml$/).flatMap(natsImageRefs);
    expect(refs.filter((r) => r !== spec.image)).toEqual([]);
  });

  it('the Helm values run a 3-node JetStream cluster, as `hyperflow up --cluster 3` does locally', () => {
    const values = readYaml<{
      config: { cluster: { enabled: boolean; replicas: number }; jetstream: { enabled: boolean } };
    }>('infra/k8s/nats/values.yaml');
    expect(values.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
    expect(values.config.jetstream.enabled).toBe(true);
  });

  it('the test kit takes its container image and binary range from the file, not from a literal', () => {
    for (const file of [
      ...listFiles('packages/testkit/src', /\.ts$/),
      ...listFiles('packages/nats-local/src', /\.ts$/),
    ].filter((f) => !f.endsWith('.test.ts'))) {
      expect(read(file), file).not.toMatch(/['"`]nats:\d/);
    }
    expect(read('packages/testkit/src/nats.ts')).toContain('readNatsVersions().image');
  });

  it('the README names the supported range, the tested version, the image and how setup gets one', () => {
    const readme = read('README.md').replace(/\s+/g, ' ');
    expect(readme).toContain(`supports nats-server **${describeRange(spec)}**`);
    expect(readme).toContain(`the minimum, ${spec.minimum},`);
    expect(readme).toContain(`CI tests **${spec.newestTested}**`);
    expect(readme).toContain(`\`${spec.image}\``);
    expect(readme).toContain('bash scripts/install-nats.sh');
    // no other image or server line is advertised
    for (const m of readme.matchAll(/\bnats:(\d[\w.-]*)/g)) expect(`nats:${m[1]}`).toBe(spec.image);
  });
});
