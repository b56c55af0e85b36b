import { describe, expect, it } from 'vitest';
import {
  approveAgentAction,
  approveBuilderFeeAction,
  batchModifyAction,
  cancelAction,
  cancelByCloidAction,
  modifyAction,
  noopAction,
  type OrderInput,
  orderAction,
  scheduleCancelAction,
  updateIsolatedMarginAction,
  updateLeverageAction,
  usdSendAction,
  userSignedNonce,
  withdraw3Action,
} from './actions.js';
import { bytesToHex } from './hex.js';
import { encodeAction } from './l1.js';

// JSON.stringify keeps insertion order, which is the msgpack (hashed) order: comparing the text
// proves key order and the absence of optional keys at once.
const json = (v: unknown) => JSON.stringify(v);

const limit: OrderInput = {
  asset: 4,
  isBuy: true,
  price: '1670.10',
  size: '0.01470',
  type: { kind: 'limit', tif: 'Gtc' },
};

describe('order', () => {
  it('emits a,b,p,s,r,t in order, normalises numbers, omits c and builder when absent', () => {
    expect(json(orderAction({ orders: [limit] }))).toBe(
      '{"type":"order","orders":[{"a":4,"b":true,"p":"1670.1","s":"0.0147","r":false,"t":{"limit":{"tif":"Gtc"}}}],"grouping":"na"}',
    );
  });

  it('Ioc/Alo, reduce-only, lowercase cloid last, builder last with lowercase address', () => {
    const action = orderAction({
      orders: [
        {
          ...limit,
          type: { kind: 'limit', tif: 'Ioc' },
          reduceOnly: true,
          cloid: '0xABCDEF00000000000000000000000001',
        },
        { ...limit, isBuy: false, type: { kind: 'limit', tif: 'Alo' } },
      ],
      builder: { address: '0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', fee: 10 },
    });
    expect(json(action)).toBe(
      '{"type":"order","orders":[' +
        '{"a":4,"b":true,"p":"1670.1","s":"0.0147","r":true,"t":{"limit":{"tif":"Ioc"}},"c":"0xabcdef00000000000000000000000001"},' +
        '{"a":4,"b":false,"p":"1670.1","s":"0.0147","r":false,"t":{"limit":{"tif":"Alo"}}}],' +
        '"grouping":"na","builder":{"b":"0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","f":10}}',
    );
  });

  it('trigger orders: isMarket, triggerPx, tpsl; normalTpsl and positionTpsl groupings', () => {
    const parent = { ...limit, cloid: '0x00000000000000000000000000000001' };
    const tp: OrderInput = {
      asset: 4,
      isBuy: false,
      price: '1800.0',
      size: '0.0147',
      reduceOnly: true,
      type: { kind: 'trigger', triggerPx: '1800.00', isMarket: false, tpsl: 'tp' },
    };
    const sl: OrderInput = {
      ...tp,
      price: '1500',
      type: { kind: 'trigger', triggerPx: '1500', isMarket: true, tpsl: 'sl' },
    };
    const action = orderAction({ orders: [parent, tp, sl], grouping: 'normalTpsl' });
    expect(json(action.orders[1])).toBe(
      '{"a":4,"b":false,"p":"1800","s":"0.0147","r":true,"t":{"trigger":{"isMarket":false,"triggerPx":"1800","tpsl":"tp"}}}',
    );
    expect(json(action.orders[2]?.t)).toBe('{"trigger":{"isMarket":true,"triggerPx":"1500","tpsl":"sl"}}');
    expect(action.grouping).toBe('normalTpsl');
    // positionTpsl: children sized 0 scale with the position
    const position = orderAction({ orders: [{ ...tp, size: '0' }], grouping: 'positionTpsl' });
    expect(position.orders[0]?.s).toBe('0');
    expect(position.grouping).toBe('positionTpsl');
  });

  it('refuses a non-reduce-only TP/SL in a tpsl grouping (venue pre-validation)', () => {
    const tp: OrderInput = {
      ...limit,
      type: { kind: 'trigger', triggerPx: '1', isMarket: true, tpsl: 'tp' },
    };
    expect(() => orderAction({ orders: [tp], grouping: 'positionTpsl' })).toThrow(/must be reduce-only/);
  });

  it('priority-fee grouping {p}: all-IOC or all non-reduce-only ALO only', () => {
    const ioc: OrderInput = { ...limit, type: { kind: 'limit', tif: 'Ioc' } };
    expect(json(orderAction({ orders: [ioc], grouping: { p: 1000 } }).grouping)).toBe('{"p":1000}');
    expect(() => orderAction({ orders: [ioc, limit], grouping: { p: 1 } })).toThrow(/IOC/);
    expect(() => orderAction({ orders: [ioc], grouping: { p: 100_000_001 } })).toThrow(/grouping.p/);
  });

  it('refuses bad inputs with the field named', () => {
    expect(() => orderAction({ orders: [] })).toThrow(/orders: must be a non-empty array/);
    expect(() => orderAction({ orders: [{ ...limit, asset: -1 }] })).toThrow(/orders\[0\]\.asset/);
    expect(() => orderAction({ orders: [{ ...limit, asset: 1.5 }] })).toThrow(/orders\[0\]\.asset/);
    expect(() => orderAction({ orders: [{ ...limit, price: '1e3' }] })).toThrow(/orders\[0\]\.price/);
    expect(() => orderAction({ orders: [{ ...limit, size: '-1' }] })).toThrow(/orders\[0\]\.size/);
    expect(() => orderAction({ orders: [{ ...limit, price: '0.123456789' }] })).toThrow(/8 decimals/);
    expect(() => orderAction({ orders: [{ ...limit, cloid: '0x1' }] })).toThrow(/orders\[0\]\.cloid/);
    expect(() =>
      orderAction({ orders: [{ ...limit, type: { kind: 'limit', tif: 'Day' as 'Gtc' } }] }),
    ).toThrow(/unknown tif/);
    expect(() => orderAction({ orders: [limit], builder: { address: '0x12', fee: 1 } })).toThrow(
      /builder.address/,
    );
    expect(() =>
      orderAction({ orders: [limit], builder: { address: `0x${'a'.repeat(40)}`, fee: -1 } }),
    ).toThrow(/builder.fee/);
  });
});

describe('cancel and modify', () => {
  it('cancel: f only when fast', () => {
    expect(json(cancelAction([{ asset: 0, oid: 123456 }]))).toBe(
      '{"type":"cancel","cancels":[{"a":0,"o":123456}]}',
    );
    expect(json(cancelAction([{ asset: 0, oid: 1 }], { fast: false }))).toBe(
      '{"type":"cancel","cancels":[{"a":0,"o":1}]}',
    );
    expect(json(cancelAction([{ asset: 0, oid: 1 }], { fast: true }))).toBe(
      '{"type":"cancel","cancels":[{"a":0,"o":1}],"f":true}',
    );
  });

  it('cancelByCloid: long keys asset/cloid, lowercase, f only when fast', () => {
    const cloid = '0xABCDEF00000000000000000000000001';
    expect(json(cancelByCloidAction([{ asset: 3, cloid }]))).toBe(
      '{"type":"cancelByCloid","cancels":[{"asset":3,"cloid":"0xabcdef00000000000000000000000001"}]}',
    );
    expect(json(cancelByCloidAction([{ asset: 3, cloid }], { fast: true }))).toMatch(/,"f":true}$/);
    expect(() => cancelByCloidAction([{ asset: 3, cloid: '0x12' }])).toThrow(/cancels\[0\]\.cloid/);
  });

  it('modify: oid or cloid, a only when alwaysPlace', () => {
    expect(json(modifyAction({ oid: 77, order: limit }))).toBe(
      '{"type":"modify","oid":77,"order":{"a":4,"b":true,"p":"1670.1","s":"0.0147","r":false,"t":{"limit":{"tif":"Gtc"}}}}',
    );
    const byCloid = modifyAction({
      oid: '0x0000000000000000000000000000000A',
      order: limit,
      alwaysPlace: true,
    });
    expect(byCloid.oid).toBe('0x0000000000000000000000000000000a');
    expect(Object.keys(byCloid)).toEqual(['type', 'oid', 'order', 'a']);
    expect(Object.keys(modifyAction({ oid: 1, order: limit, alwaysPlace: false }))).toEqual([
      'type',
      'oid',
      'order',
    ]);
    expect(() => modifyAction({ oid: 'abc', order: limit })).toThrow(/a string oid must be a cloid/);
    expect(() => modifyAction({ oid: 0, order: limit })).toThrow(/oid: must be > 0/);
  });

  it('batchModify: modifies [{oid, order}], a only when alwaysPlace', () => {
    const action = batchModifyAction([
      { oid: 1, order: limit },
      { oid: 2, order: { ...limit, price: '1671' } },
    ]);
    expect(Object.keys(action)).toEqual(['type', 'modifies']);
    expect(Object.keys(action.modifies[0] ?? {})).toEqual(['oid', 'order']);
    expect(action.modifies[1]?.order.p).toBe('1671');
    expect(Object.keys(batchModifyAction([{ oid: 1, order: limit }], { alwaysPlace: true }))).toEqual([
      'type',
      'modifies',
      'a',
    ]);
  });
});

describe('account actions', () => {
  it('scheduleCancel, updateLeverage, updateIsolatedMargin, noop', () => {
    expect(json(scheduleCancelAction())).toBe('{"type":"scheduleCancel"}');
    expect(json(scheduleCancelAction({ time: 1700000005000 }))).toBe(
      '{"type":"scheduleCancel","time":1700000005000}',
    );
    expect(json(updateLeverageAction({ asset: 0, isCross: true, leverage: 10 }))).toBe(
      '{"type":"updateLeverage","asset":0,"isCross":true,"leverage":10}',
    );
    expect(() => updateLeverageAction({ asset: 0, isCross: true, leverage: 2.5 })).toThrow(/leverage/);
    expect(json(updateIsolatedMarginAction({ asset: 0, isBuy: true, usd: '1' }))).toBe(
      '{"type":"updateIsolatedMargin","asset":0,"isBuy":true,"ntli":1000000}',
    );
    expect(updateIsolatedMarginAction({ asset: 0, isBuy: false, usd: '-12.345678' }).ntli).toBe(-12345678);
    expect(() => updateIsolatedMarginAction({ asset: 0, isBuy: true, usd: '0.0000001' })).toThrow(/rounded/);
    expect(json(noopAction())).toBe('{"type":"noop"}');
  });
});

describe('user-signed actions', () => {
  const dest = '0x5E9EE1089755C3435139848E47E6635505D5A13A';

  it('usdSend / withdraw3 carry chain fields, lowercase destination, normalised amount', () => {
    const send = usdSendAction({
      network: 'mainnet',
      destination: dest,
      amount: '1.50',
      time: 1687816341423,
    });
    expect(send).toEqual({
      type: 'usdSend',
      signatureChainId: '0x66eee',
      hyperliquidChain: 'Mainnet',
      destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a',
      amount: '1.5',
      time: 1687816341423,
    });
    expect(userSignedNonce(send)).toBe(1687816341423);
    const withdraw = withdraw3Action({
      network: 'testnet',
      signatureChainId: '0xA4B1',
      destination: dest,
      amount: '2',
      time: 5,
    });
    expect(withdraw.signatureChainId).toBe('0xa4b1');
    expect(withdraw.hyperliquidChain).toBe('Testnet');
    expect(() => usdSendAction({ network: 'mainnet', destination: dest, amount: '0', time: 1 })).toThrow(
      /amount/,
    );
    expect(() =>
      usdSendAction({
        network: 'mainnet',
        signatureChainId: 'a4b1',
        destination: dest,
        amount: '1',
        time: 1,
      }),
    ).toThrow(/signatureChainId/);
  });

  it('approveAgent: agentName key absent when unnamed, present when named', () => {
    const unnamed = approveAgentAction({ network: 'mainnet', agentAddress: dest, nonce: 9 });
    expect(Object.keys(unnamed)).toEqual([
      'type',
      'signatureChainId',
      'hyperliquidChain',
      'agentAddress',
      'nonce',
    ]);
    const named = approveAgentAction({ network: 'mainnet', agentAddress: dest, agentName: 'bot', nonce: 9 });
    expect(named.agentName).toBe('bot');
    expect(userSignedNonce(named)).toBe(9);
  });

  it('approveBuilderFee: percent string and lowercase builder', () => {
    const a = approveBuilderFeeAction({ network: 'testnet', maxFeeRate: '0.001%', builder: dest, nonce: 3 });
    expect(a.builder).toBe(dest.toLowerCase());
    expect(() =>
      approveBuilderFeeAction({ network: 'testnet', maxFeeRate: '0.001', builder: dest, nonce: 3 }),
    ).toThrow(/maxFeeRate/);
  });
});

describe('msgpack bytes', () => {
  it('noop encodes as a one-entry map', () => {
    expect(bytesToHex(encodeAction(noopAction()))).toBe('0x81a474797065a46e6f6f70');
  });

  it('integers take the smallest width (doc 4.3 examples)', () => {
    // fixmap(1) "a" then the int
    expect(bytesToHex(encodeAction({ a: 4 }))).toBe('0x81a16104');
    expect(bytesToHex(encodeAction({ a: 110000 }))).toBe('0x81a161ce0001adb0');
    expect(bytesToHex(encodeAction({ a: 100000000000 }))).toBe('0x81a161cf000000174876e800');
    expect(bytesToHex(encodeAction({ a: 200 }))).toBe('0x81a161ccc8');
    expect(bytesToHex(encodeAction({ a: 40000 }))).toBe('0x81a161cd9c40');
    expect(bytesToHex(encodeAction({ a: -1 }))).toBe('0x81a161ff');
  });

  it('a cancel on a HIP-3 asset id encodes the asset as uint32', () => {
    const hex = bytesToHex(encodeAction(cancelAction([{ asset: 110000, oid: 5 }])));
    expect(hex).toContain('a161ce0001adb0a16f05');
  });
});
