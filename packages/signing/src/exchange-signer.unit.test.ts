import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { noopAction, usdSendAction } from './actions.js';
import { ExchangeSigner } from './exchange-signer.js';
import { NonceManager } from './nonce.js';
import { l1SigningPayload } from './sign.js';
import { LocalSigner, recoverSigner } from './signer.js';
import { NK_TEST_KEY } from './test-support/vectors.js';

const T0 = 1_700_000_000_000;
const VAULT = '0x1234567890123456789012345678901234567890';

describe('ExchangeSigner', () => {
  const signer = new LocalSigner(NK_TEST_KEY);

  it('draws increasing nonces per signer and signs with them', async () => {
    const nonces = new NonceManager({ clock: () => T0 });
    const ex = new ExchangeSigner({ signer, network: 'testnet', nonces });
    const [a, b] = await Promise.all([ex.sign(noopAction()), ex.sign(noopAction())]);
    expect([a?.nonce, b?.nonce]).toEqual([T0, T0 + 1]);
    expect(nonces.lastUsed(signer.address)).toBe(T0 + 1);
    const payload = l1SigningPayload({ action: noopAction(), nonce: T0, network: 'testnet' });
    expect(recoverSigner(payload.digest, a!.signature)).toBe(signer.address);
  });

  it('default vault, per-call override and opt-out; expiresAfter from the nonce', async () => {
    const nonces = new NonceManager({ clock: () => T0 });
    const ex = new ExchangeSigner({
      signer,
      network: 'mainnet',
      nonces,
      vaultAddress: VAULT.toUpperCase().replace('0X', '0x'),
    });
    const withVault = await ex.sign(noopAction(), { expiresInMs: 10_000 });
    expect(withVault.vaultAddress).toBe(VAULT);
    expect(withVault.expiresAfter).toBe(withVault.nonce + 10_000);
    const own = await ex.sign(noopAction(), { vaultAddress: null });
    expect(own).not.toHaveProperty('vaultAddress');
    expect(own).not.toHaveProperty('expiresAfter');
    await expect(ex.sign(noopAction(), { expiresInMs: 0 })).rejects.toThrow(/expiresInMs/);
  });

  it('user-signed actions take their nonce from nextNonce', async () => {
    const ex = new ExchangeSigner({
      signer,
      network: 'mainnet',
      nonces: new NonceManager({ clock: () => T0 }),
    });
    const time = ex.nextNonce();
    const req = await ex.signUserAction(
      usdSendAction({ network: ex.network, destination: VAULT, amount: '1', time }),
    );
    expect(req.nonce).toBe(T0);
  });

  it('shows no key in JSON or inspect', () => {
    const ex = new ExchangeSigner({
      signer,
      network: 'mainnet',
      nonces: new NonceManager({ clock: () => T0 }),
    });
    const text = `${JSON.stringify(ex)}${inspect(ex, { depth: 10, showHidden: true })}`;
    expect(text.toLowerCase()).not.toContain(NK_TEST_KEY.slice(2, 34));
  });
});
