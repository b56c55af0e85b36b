import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';

export interface DemoWallet {
  readonly address: string;
  /** 0600 file holding the key: the execution service reads it, nothing prints it */
  readonly keyFile: string;
}

/** A fresh key for one local run against the simulator: never a key that holds real money. */
export function demoWallet(dataDir: string): DemoWallet {
  const wallet = Wallet.createRandom();
  mkdirSync(dataDir, { recursive: true });
  const keyFile = join(dataDir, 'sim-execution.key');
  writeFileSync(keyFile, `${wallet.privateKey}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return { address: wallet.address.toLowerCase(), keyFile };
}
