// Market-data health events → risk facts. Pure.
import type { HealthEvent } from '@hyperflow/contracts';
import { assertNever } from '../errors.js';
import type { RiskFact } from './engine.js';

function key(instance: string, sub: { channel: string; coin?: string | undefined } | undefined): string {
  return sub === undefined ? `${instance}/*` : `${instance}/${sub.channel}:${sub.coin ?? ''}`;
}

/**
 * A disconnected or stale feed is lost; connected / resubscribed / recovered restores it (a
 * connection-wide event restores every subscription of that instance). A gap marker describes a
 * past window that is already over, so it changes nothing here. A detected WS/REST drift is lost
 * until the cross-check resolves it (or the instance's connection is restored as a whole).
 */
export function factsFromHealth(e: HealthEvent): RiskFact[] {
  switch (e.type) {
    case 'feedHealth': {
      // switched on a copy: `status` also names the drift event's states, so narrowing it would narrow `e`
      const status = e.status;
      switch (status) {
        case 'disconnected':
        case 'stale':
          return [
            {
              type: 'feedLost',
              key: key(e.instance, e.subscription),
              detail: `${e.status}${e.detail ? `: ${e.detail}` : ''}`,
            },
          ];
        case 'connected':
        case 'resubscribed':
        case 'recovered':
          return [{ type: 'feedRestored', key: key(e.instance, e.subscription) }];
        default:
          return assertNever(status, 'feed status');
      }
    }
    case 'gap':
      return [];
    // a stream that disagrees with the venue's own snapshot is as good as lost: no entries on it
    case 'drift': {
      const driftKey = `${e.instance}/drift/${e.subscription.channel}:${e.subscription.coin ?? ''}`;
      return e.status === 'detected'
        ? [{ type: 'feedLost', key: driftKey, detail: `drift (${e.check}): ${e.detail}` }]
        : [{ type: 'feedRestored', key: driftKey }];
    }
    default:
      return assertNever(e, 'health event');
  }
}
