// `/exchange` answers in the shapes of doc 3.3 and 7.3 (error strings verbatim from the venue docs
// and SDK logs), copied as data.

export const ORDER_MIXED = {
  status: 'ok',
  response: {
    type: 'order',
    data: {
      statuses: [
        { resting: { oid: 77738308 } },
        { resting: { oid: 77738309, cloid: '0x00000000000000000000000000000001' } },
        { filled: { totalSz: '0.02', avgPx: '1891.4', oid: 77747314 } },
        {
          filled: {
            totalSz: '0.0200',
            avgPx: '1891.40',
            oid: 77747315,
            cloid: '0x00000000000000000000000000000002',
          },
        },
        { error: 'Order must have minimum value of $10.' },
        'waitingForFill',
        'waitingForTrigger',
      ],
    },
  },
} as const;

export const ORDER_BATCH_PREVALIDATION = {
  status: 'ok',
  response: { type: 'order', data: { statuses: [{ error: 'Price must be divisible by tick size.' }] } },
} as const;

export const CANCEL_MIXED = {
  status: 'ok',
  response: {
    type: 'cancel',
    data: { statuses: ['success', { error: 'Order was never placed, already canceled, or filled.' }] },
  },
} as const;

export const DEFAULT_OK = { status: 'ok', response: { type: 'default' } } as const;

export const TWAP_RUNNING = {
  status: 'ok',
  response: { type: 'twapOrder', data: { status: { running: { twapId: 77738308 } } } },
} as const;

export const ERR_UNKNOWN_SIGNER = {
  status: 'err',
  response: 'L1 error: User or API Wallet 0x0123456789abcdef0123456789abcdef01234567 does not exist.',
} as const;

export const ERR_DUPLICATE_NONCE = {
  status: 'err',
  response: 'Invalid nonce: duplicate nonce 1741107452532',
} as const;

export const ERR_ADDRESS_RATE_LIMIT = {
  status: 'err',
  response:
    'Too many cumulative requests sent (97460 > 97456) for cumulative volume traded $87457.46. Place taker orders to free up 1 request per USDC traded.',
} as const;

/** venue error strings → the reason each must map to */
export const ERROR_STRINGS: readonly (readonly [string, string])[] = [
  ['Price must be divisible by tick size.', 'tick'],
  ['Order must have minimum value of $10.', 'min-notional'],
  ['Order must have minimum value of 10 USDC.', 'min-notional'],
  ['Insufficient margin to place order.', 'margin'],
  ['Order would cause position to exceed margin tier limit at current leverage', 'margin'],
  ['Reduce only order would increase position.', 'reduce-only'],
  ['Post only order would have immediately matched, bbo was 1891.4@1891.5', 'post-only-would-match'],
  ['Order could not immediately match against any resting orders. asset=4', 'ioc-no-match'],
  ['Invalid TP/SL price.', 'invalid-tpsl'],
  ['No liquidity available for market order.', 'no-liquidity'],
  ['Order would increase open interest while open interest is capped', 'open-interest-cap'],
  ['Order rejected due to price more aggressive than oracle while at open interest cap', 'price-too-far'],
  ['Order has insufficient spot balance to trade', 'insufficient-balance'],
  ['Order price too far from oracle', 'price-too-far'],
  ['Order price cannot be more than 80% away from the reference price', 'price-too-far'],
  ['Order has invalid size.', 'invalid-size'],
  ['Order has zero size.', 'invalid-size'],
  ['Only post-only orders allowed immediately after network upgrade', 'post-upgrade'],
  ['Order was never placed, already canceled, or filled.', 'order-not-found'],
  ['L1 error: User or API Wallet 0xabc does not exist.', 'unknown-signer'],
  ['Must deposit before performing actions. User: 0xabc', 'unknown-signer'],
  ['Unable to recover signer.', 'unknown-signer'],
  ['Invalid nonce: duplicate nonce 1741107452532', 'nonce'],
  ['Invalid nonce: nonce too low 1 < 2', 'nonce'],
  ['Too many cumulative requests sent (97460 > 97456) for cumulative volume traded $87457.46.', 'rate-limit'],
  ['L1 error: Vault not registered: 0xabc', 'vault-not-registered'],
  ['Action already expired', 'expired'],
  [
    'Cannot set scheduled cancel time until enough volume traded. Required: $1000000. Traded: $12.',
    'schedule-cancel-volume',
  ],
  ['Something new the venue says', 'unknown'],
];
