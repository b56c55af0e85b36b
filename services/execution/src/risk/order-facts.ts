// What the risk engine learns from one recorded order event. Pure.
import type { OrderEvent } from '@hyperflow/contracts';
import { fx, str, ZERO } from '../decimal/fixed.js';
import { assertNever } from '../errors.js';
import type { OrderState } from '../order/decider.js';
import type { RiskFact } from './engine.js';

/** `before`: the order's state just before `e` was applied. */
export function factsFromOrderEvent(e: OrderEvent, before: OrderState): RiskFact[] {
  const r = before.requested;
  switch (e.type) {
    case 'orderRiskChecked':
      return r === undefined
        ? []
        : [
            {
              type: 'orderOpened',
              orderId: e.orderId,
              coin: r.coin,
              side: r.side,
              sz: r.sz,
              reduceOnly: r.reduceOnly,
              atMs: e.atMs,
            },
          ];
    case 'orderResting':
      return [{ type: 'orderAcceptedByVenue', orderId: e.orderId }];
    case 'orderFilled':
      return r === undefined
        ? []
        : [
            { type: 'orderAcceptedByVenue', orderId: e.orderId },
            {
              type: 'orderFilled',
              orderId: e.orderId,
              coin: r.coin,
              side: r.side,
              fillSz: e.fillSz,
              complete: e.complete,
            },
          ];
    case 'orderRejected':
      return [{ type: 'orderRejectedByVenue', orderId: e.orderId, error: e.error }];
    case 'orderCanceled':
    case 'orderExpired':
      return [{ type: 'orderClosed', orderId: e.orderId }];
    case 'orderSubmitted':
      // a dry-run order never reaches the venue: it stops counting as open at once
      return e.via === 'dryRun' ? [{ type: 'orderClosed', orderId: e.orderId }] : [];
    case 'orderReconciled': {
      if (e.venueStatus !== 'filled' || r === undefined) return [];
      // filled at the venue while we did not know: assume the rest filled (userFills corrects it)
      const rest = fx(r.sz) - fx(before.filledSz);
      return rest > ZERO
        ? [
            {
              type: 'orderFilled',
              orderId: e.orderId,
              coin: r.coin,
              side: r.side,
              fillSz: str(rest),
              complete: true,
            },
          ]
        : [{ type: 'orderClosed', orderId: e.orderId }];
    }
    case 'orderRequested':
    case 'riskRejected':
    case 'orderSigned':
    case 'orderOutcomeUnknown':
      return [];
    default:
      return assertNever(e, 'order event');
  }
}
