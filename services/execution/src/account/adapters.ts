// The account module's I/O ports on the real adapters: /info for the account, publishes on
// `acct.`, fill recovery from userFillsByTime (its mark from the EXECUTION stream), and the
// account socket.
import { BalanceChanged, FillRecorded, PositionChanged } from '@hyperflow/contracts';
import type { InfoClient } from '@hyperflow/hyperliquid';
import type { Logger } from 'pino';
import type { BusAdapters } from '../bus/nats.js';
import { type ExecutionConfig, wsUrl } from '../config.js';
import type { Clock } from '../ports.js';
import { FillRecovery, lastFillSeen } from '../recovery/fills.js';
import type { AccountPorts } from './account.js';
import { followAccount } from './follow.js';

export type AccountIo = Pick<
  AccountPorts,
  'venue' | 'publishPosition' | 'publishBalance' | 'fills' | 'follow'
>;

export function accountAdapters(o: {
  readonly config: ExecutionConfig;
  readonly account: string;
  readonly info: InfoClient;
  readonly bus: Pick<BusAdapters, 'subjects' | 'names' | 'jsm' | 'publisher'>;
  readonly clock: Clock;
  readonly log: Logger;
}): AccountIo {
  const { config: c, account, info, log } = o;
  const { subjects: subj, publisher } = o.bus;
  const net = c.HL_NETWORK;
  const url = wsUrl(c);
  if (c.FOLLOW_ACCOUNT && url === undefined) log.warn('no HL_WS_URL on sim: account fills are not followed');
  const fills: AccountPorts['fills'] = {
    create: (record) =>
      new FillRecovery({
        info,
        account,
        net,
        lookbackMs: c.FILL_RECOVERY_LOOKBACK_MS,
        clock: () => o.clock.now(),
        log: log.child({ part: 'fills' }),
        publish: async (fill) => {
          await publisher.publish(subj.fill(fill.coin), FillRecorded, fill, { msgId: fill.id });
        },
        record,
      }),
    lastSeen: () =>
      lastFillSeen(o.bus.jsm, o.bus.names.EXECUTION.name, `${subj.prefix}.acct.fill.>`, account),
  };
  const follow: AccountPorts['follow'] =
    url === undefined
      ? undefined
      : (handlers) =>
          followAccount({
            url,
            account,
            net,
            subjects: subj,
            publisher,
            log: log.child({ part: 'account' }),
            ...handlers,
          });
  return {
    venue: {
      clearinghouseState: () => info.clearinghouseState(account),
      openOrders: () => info.openOrders(account),
    },
    publishPosition: (p) => publisher.publish(subj.position(p.coin), PositionChanged, p, { msgId: p.id }),
    publishBalance: (b) => publisher.publish(subj.balance(), BalanceChanged, b, { msgId: b.id }),
    ...(c.FILL_RECOVERY ? { fills } : {}),
    ...(c.FOLLOW_ACCOUNT && follow !== undefined ? { follow } : {}),
  };
}
