import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { recoverUserSigned } from './user-signed.js';

// Vector from the official Python SDK tests (test_sign_usd_transfer_action), doc §4.4.
const KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';

describe('user-signed verification', () => {
  it('given the SDK usdSend vector, when recovering, then the key owner comes back', () => {
    const signer = recoverUserSigned(
      'HyperliquidTransaction:UsdSend',
      [
        { name: 'destination', type: 'string' },
        { name: 'amount', type: 'string' },
        { name: 'time', type: 'uint64' },
      ],
      {
        hyperliquidChain: 'Testnet',
        destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a',
        amount: '1',
        time: 1687816341423,
      },
      '0x66eee',
      {
        r: '0x637b37dd731507cdd24f46532ca8ba6eec616952c56218baeff04144e4a77073',
        s: '0x11a6a24900e6e314136d2592e2f8d502cd89b7c15b198e1bee043c9589f9fad7',
        v: 27,
      },
    );
    expect(signer).toBe(new Wallet(KEY).address.toLowerCase());
  });
});
