import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public surface', () => {
  it('exports the builders, signing, nonce and response API', () => {
    for (const name of [
      'orderAction',
      'cancelAction',
      'cancelByCloidAction',
      'modifyAction',
      'batchModifyAction',
      'scheduleCancelAction',
      'updateLeverageAction',
      'updateIsolatedMarginAction',
      'noopAction',
      'usdSendAction',
      'withdraw3Action',
      'usdClassTransferAction',
      'approveAgentAction',
      'approveBuilderFeeAction',
      'toWireDecimal',
      'toWireCloid',
      'toWireAddress',
      'l1ActionHash',
      'l1ActionPreimage',
      'l1SigningPayload',
      'userSignedPayload',
      'signL1Action',
      'signUserSignedAction',
      'LocalSigner',
      'selectSecp256k1Backend',
      'nativeBackend',
      'jsBackend',
      'loadNativeSecp256k1',
      'ExchangeSigner',
      'NonceManager',
      'parseExchangeResponse',
      'parseExchangeHttpResponse',
      'classifyVenueError',
      'SigningError',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
  });
});
