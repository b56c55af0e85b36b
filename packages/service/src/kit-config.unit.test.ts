import { describe, expect, it } from 'vitest';
import { KitConfig } from './run-service.js';

describe('KitConfig', () => {
  it('binds HTTP to loopback unless HTTP_HOST says otherwise', () => {
    expect(KitConfig.parse({}).HTTP_HOST).toBe('127.0.0.1');
    expect(KitConfig.parse({ HTTP_HOST: '0.0.0.0' }).HTTP_HOST).toBe('0.0.0.0');
  });
});
