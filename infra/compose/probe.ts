// What scripts/test-compose.sh reads from a running compose stack, printed as one JSON line:
//   node --import tsx infra/compose/probe.ts streams           each stream's message count, last sequence
//   node --import tsx infra/compose/probe.ts orders <simUrl>   the EXECUTION stream's order events next
//                                                              to the simulator's ledger, and duplicates
// NATS_URL, NATS_USER, NATS_PASS: the operator user (reads hl.>, publishes nothing but control).
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { duplicateVenueOrders, type LedgerEntryLike, type OrderEventLike } from './orders.js';

const [cmd, simUrl] = process.argv.slice(2);
const nc = await connect({
  servers: process.env.NATS_URL,
  user: process.env.NATS_USER,
  pass: process.env.NATS_PASS,
  timeout: 10_000,
});
try {
  if (cmd === 'streams') process.stdout.write(`${JSON.stringify(await streamCounts())}\n`);
  else if (cmd === 'orders' && simUrl) process.stdout.write(`${JSON.stringify(await orders(simUrl))}\n`);
  else throw new Error(`unknown command ${cmd ?? '(none)'}: streams | orders <simUrl>`);
} finally {
  await nc.close();
}

async function streamCounts(): Promise<Record<string, { messages: number; lastSeq: number }>> {
  const jsm = await jetstreamManager(nc);
  const out: Record<string, { messages: number; lastSeq: number }> = {};
  for await (const s of jsm.streams.list()) {
    out[s.config.name] = { messages: s.state.messages, lastSeq: s.state.last_seq };
  }
  return out;
}

/** Every message of the EXECUTION stream on hl.sim.exec.order.>, parsed. */
async function orderEvents(): Promise<OrderEventLike[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info('EXECUTION');
  if (info.state.messages === 0) return [];
  const consumer = await jetstream(nc).consumers.get('EXECUTION', {
    filter_subjects: ['hl.sim.exec.order.>'],
  });
  const events: OrderEventLike[] = [];
  for (;;) {
    let pending = -1;
    const batch = await consumer.fetch({ max_messages: 1000, expires: 3000 });
    for await (const m of batch) {
      events.push(m.json<OrderEventLike>());
      pending = m.info.pending;
    }
    if (pending <= 0) break;
  }
  return events;
}

async function orders(sim: string) {
  // the ledger first: a venue order it lists is recorded in the stream read after it, once the
  // services have settled (the caller waits or stops them in between)
  const res = await fetch(`${sim}/_sim/ledger`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${sim}/_sim/ledger: HTTP ${res.status}`);
  const ledger = (await res.json()) as LedgerEntryLike[];
  const events = await orderEvents();
  const count = (type: string) => events.filter((e) => e.type === type).length;
  return {
    ledgerOrders: ledger.filter((e) => e.kind === 'order').length,
    ledgerFills: ledger.filter((e) => e.kind === 'fill').length,
    signed: count('orderSigned'),
    submitted: count('orderSubmitted'),
    filled: count('orderFilled'),
    ...duplicateVenueOrders(events, ledger),
  };
}
