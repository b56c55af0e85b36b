// On start: find the orders whose last recorded step leaves work to do (risk-checked but not
// signed, signed but not sent, sent without an answer, outcome unknown), so they are resumed.
import { OrderEvent, parseJson } from '@hyperflow/contracts';
import type { JetStreamManager } from '@nats-io/jetstream';

/** Whether an order whose last event is `e` may need another step. Pure. */
export function unfinished(e: OrderEvent): boolean {
  switch (e.type) {
    case 'orderRequested':
    case 'orderRiskChecked':
    case 'orderSigned':
    case 'orderOutcomeUnknown':
      return true;
    case 'orderSubmitted':
      return e.via !== 'dryRun';
    case 'orderReconciled':
      // a reconciliation that settled nothing yet (e.g. an unknown cloid that may still land)
      return e.venueStatus !== 'filled';
    case 'riskRejected':
    case 'orderResting':
    case 'orderFilled':
    case 'orderCanceled':
    case 'orderRejected':
    case 'orderExpired':
      return false;
    default: {
      const never: never = e;
      return never;
    }
  }
}

export interface OrderScan {
  /** orders whose last event leaves a step to take */
  readonly unfinished: readonly string[];
  /** orders we recorded as resting (open at the venue, as far as we know) */
  readonly resting: readonly string[];
}

/** Order ids (the last subject token = the cloid) of every unfinished or resting order in `stream`. */
export async function scanOrders(
  jsm: JetStreamManager,
  stream: string,
  ordersFilter: string,
): Promise<OrderScan> {
  const info = await jsm.streams.info(stream, { subjects_filter: ordersFilter });
  const found: string[] = [];
  const resting: string[] = [];
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (last === null) continue;
    const event = parseJson(OrderEvent, last.data, `last event on ${subject}`);
    if (unfinished(event)) found.push(event.orderId);
    // a partial fill leaves the rest open too
    else if (event.type === 'orderResting' || (event.type === 'orderFilled' && !event.complete)) {
      resting.push(event.orderId);
    }
  }
  return { unfinished: found, resting };
}
