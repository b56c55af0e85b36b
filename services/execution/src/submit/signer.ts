// Adapter: the OrderSigner port over @hyperflow/signing (order action → L1 signature, nonce from
// the per-signer nonce manager). The request it returns is what gets sent, and resent, verbatim.
import { type ExchangeSigner, orderAction } from '@hyperflow/signing';
import type { SignedOrder } from '../order/decider.js';
import type { OrderSigner } from './ports.js';

export function venueOrderSigner(signer: ExchangeSigner): OrderSigner {
  return {
    address: signer.address,
    async sign(order, { expiresInMs }): Promise<SignedOrder> {
      const action = orderAction({
        orders: [
          {
            asset: order.asset,
            isBuy: order.isBuy,
            price: order.px,
            size: order.sz,
            reduceOnly: order.reduceOnly,
            type: { kind: 'limit', tif: order.tif },
            cloid: order.cloid,
          },
        ],
        grouping: 'na',
      });
      const request = await signer.sign(action, { expiresInMs: Math.max(1, Math.floor(expiresInMs)) });
      return {
        asset: order.asset,
        px: order.px,
        sz: order.sz,
        tif: order.tif,
        nonce: request.nonce,
        expiresAfterMs: request.expiresAfter,
        signer: signer.address,
        // a plain JSON copy: this exact body is stored in orderSigned and resent byte-identical
        request: JSON.parse(JSON.stringify(request)) as Record<string, unknown>,
      };
    },
  };
}
