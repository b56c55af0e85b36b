// Published test vectors, copied as data. The keys below are the SDKs' public test keys (they
// appear in their repositories); never use them for anything real.

/** hyperliquid-dex/hyperliquid-python-sdk tests/signing_test.py */
export const PY_TEST_KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';

/** Python SDK r/s are `to_hex(int)`: leading zeros stripped, so compare numerically. */
export interface PySig {
  readonly r: string;
  readonly s: string;
  readonly v: number;
}

export const PY = {
  /** test_phantom_agent_creation_matches_production: ETH (asset 4) buy 0.0147 @ 1670.1 Ioc, nonce 1677777606040 */
  phantomAgentConnectionId: '0x0fcbeda5ae3c4950a548021552a4fea2226858c4453571bf3f24ba017eac2908',
  /** test_l1_action_signing_matches: {type:"dummy", num: float_to_int_for_hashing(1000)}, nonce 0 */
  dummy: {
    mainnet: {
      r: '0x53749d5b30552aeb2fca34b530185976545bb22d0b3ce6f62e31be961a59298',
      s: '0x755c40ba9bf05223521753995abb2f73ab3229be8ec921f350cb447e384d8ed8',
      v: 27,
    },
    testnet: {
      r: '0x542af61ef1f429707e3c76c5293c80d01f74ef853e34b76efffcb57e574f9510',
      s: '0x17b8b32f086e8cdede991f1e2c529f5dd5297cbe8128500e00cbaf766204a613',
      v: 28,
    },
  },
  /** test_l1_action_signing_matches_with_vault */
  dummyWithVault: {
    vault: '0x1719884eb866cb12b2287399b15f7db5e7d775ea',
    mainnet: {
      r: '0x3c548db75e479f8012acf3000ca3a6b05606bc2ec0c29c50c515066a326239',
      s: '0x4d402be7396ce74fbba3795769cda45aec00dc3125a984f2a9f23177b190da2c',
      v: 28,
    },
    testnet: {
      r: '0xe281d2fb5c6e25ca01601f878e4d69c965bb598b88fac58e475dd1f5e56c362b',
      s: '0x7ddad27e9a238d045c035bc606349d075d5c5cd00a6cd1da23ab5c39d4ef0f60',
      v: 27,
    },
  },
  /** test_l1_action_signing_order_matches: ETH (asset 1) buy 100 @ 100 Gtc, nonce 0 */
  order: {
    mainnet: {
      r: '0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e',
      s: '0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e',
      v: 28,
    },
    testnet: {
      r: '0x82b2ba28e76b3d761093aaded1b1cdad4960b3af30212b343fb2e6cdfa4e3d54',
      s: '0x6b53878fc99d26047f4d7e8c90eb98955a109f44209163f52d8dc4278cbbd9f5',
      v: 27,
    },
  },
  /** test_l1_action_signing_order_with_cloid_matches: same order, cloid 0x…01 */
  orderWithCloid: {
    cloid: '0x00000000000000000000000000000001',
    mainnet: {
      r: '0x41ae18e8239a56cacbc5dad94d45d0b747e5da11ad564077fcac71277a946e3',
      s: '0x3c61f667e747404fe7eea8f90ab0e76cc12ce60270438b2058324681a00116da',
      v: 27,
    },
    testnet: {
      r: '0xeba0664bed2676fc4e5a743bf89e5c7501aa6d870bdb9446e122c9466c5cd16d',
      s: '0x7f3e74825c9114bc59086f1eebea2928c190fdfbfde144827cb02b85bbe90988',
      v: 28,
    },
  },
  /** test_l1_action_signing_tpsl_order_matches: asset 1 buy 100 @ 100, trigger sl 103 isMarket */
  tpslOrder: {
    mainnet: {
      r: '0x98343f2b5ae8e26bb2587daad3863bc70d8792b09af1841b6fdd530a2065a3f9',
      s: '0x6b5bb6bb0633b710aa22b721dd9dee6d083646a5f8e581a20b545be6c1feb405',
      v: 27,
    },
    testnet: {
      r: '0x971c554d917c44e0e1b6cc45d8f9404f32172a9d3b3566262347d0302896a2e4',
      s: '0x206257b104788f80450f8e786c329daa589aa0b32ba96948201ae556d5637eac',
      v: 28,
    },
  },
  /** test_create_sub_account_action: {type:"createSubAccount", name:"example"} */
  createSubAccount: {
    mainnet: {
      r: '0x51096fe3239421d16b671e192f574ae24ae14329099b6db28e479b86cdd6caa7',
      s: '0xb71f7d293af92d3772572afb8b102d167a7cef7473388286bc01f52a5c5b423',
      v: 27,
    },
    testnet: {
      r: '0xa699e3ed5c2b89628c746d3298b5dc1cca604694c2c855da8bb8250ec8014a5b',
      s: '0x53f1b8153a301c72ecc655b1c315d64e1dcea3ee58921fd7507e35818fcc1584',
      v: 28,
    },
  },
  /** test_sub_account_transfer_action */
  subAccountTransfer: {
    action: {
      type: 'subAccountTransfer',
      subAccountUser: '0x1d9470d4b963f552e6f671a81619d395877bf409',
      isDeposit: true,
      usd: 10,
    },
    mainnet: {
      r: '0x43592d7c6c7d816ece2e206f174be61249d651944932b13343f4d13f306ae602',
      s: '0x71a926cb5c9a7c01c3359ec4c4c34c16ff8107d610994d4de0e6430e5cc0f4c9',
      v: 28,
    },
    testnet: {
      r: '0xe26574013395ad55ee2f4e0575310f003c5bb3351b5425482e2969fa51543927',
      s: '0xefb08999196366871f919fd0e138b3a7f30ee33e678df7cfaf203e25f0a4278',
      v: 28,
    },
  },
  /** test_schedule_cancel_action: without time, then with time 123456789 */
  scheduleCancel: {
    mainnet: {
      r: '0x6cdfb286702f5917e76cd9b3b8bf678fcc49aec194c02a73e6d4f16891195df9',
      s: '0x6557ac307fa05d25b8d61f21fb8a938e703b3d9bf575f6717ba21ec61261b2a0',
      v: 27,
    },
    testnet: {
      r: '0xc75bb195c3f6a4e06b7d395acc20bbb224f6d23ccff7c6a26d327304e6efaeed',
      s: '0x342f8ede109a29f2c0723bd5efb9e9100e3bbb493f8fb5164ee3d385908233df',
      v: 28,
    },
  },
  scheduleCancelWithTime: {
    time: 123456789,
    mainnet: {
      r: '0x609cb20c737945d070716dcc696ba030e9976fcf5edad87afa7d877493109d55',
      s: '0x16c685d63b5c7a04512d73f183b3d7a00da5406ff1f8aad33f8ae2163bab758b',
      v: 28,
    },
    testnet: {
      r: '0x4e4f2dbd4107c69783e251b7e1057d9f2b9d11cee213441ccfa2be63516dc5bc',
      s: '0x706c656b23428c8ba356d68db207e11139ede1670481a9e01ae2dfcdb0e1a678',
      v: 27,
    },
  },
  /** test_sign_usd_transfer_action / test_sign_withdraw_from_bridge_action: testnet, chain id 0x66eee */
  userSigned: {
    destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a',
    amount: '1',
    time: 1687816341423,
    usdSend: {
      r: '0x637b37dd731507cdd24f46532ca8ba6eec616952c56218baeff04144e4a77073',
      s: '0x11a6a24900e6e314136d2592e2f8d502cd89b7c15b198e1bee043c9589f9fad7',
      v: 27,
    },
    withdraw3: {
      r: '0x8363524c799e90ce9bc41022f7c39b4e9bdba786e5f9c72b20e43e1462c37cf9',
      s: '0x58b1411a775938b83e29182e8ef74975f9054c8e97ebf5ec2dc8d51bfc893881',
      v: 28,
    },
  },
} as const;

/** nktkas/hyperliquid tests/signing/mod.test.ts */
export const NK_TEST_KEY = '0x822e9959e022b78423eb653a62ea0020cd283e71a2a8133a6ff2aeffaf373cff';

export const NK = {
  /** order {a:0,b:true,p:"30000",s:"0.1",r:false,t:{limit:{tif:"Gtc"}}}, grouping na */
  nonce: 1234567890,
  vaultAddress: '0x1234567890123456789012345678901234567890',
  expiresAfter: 1234567890,
  actionHash: {
    plain: '0x25367e0dba84351148288c2233cd6130ed6cec5967ded0c0b7334f36f957cc90',
    vault: '0x214e2ea3270981b6fd18174216691e69f56872663139d396b10ded319cb4bb1e',
    expires: '0xc30b002ba3775e4c31c43c1dfd3291dfc85c6ae06c6b9f393991de86cad5fac7',
    vaultAndExpires: '0x2d62412aa0fc57441b5189841d81554a6a9680bf07204e1454983a9ca44f0744',
  },
  signature: {
    mainnet: {
      plain: {
        r: '0x61078d8ffa3cb591de045438a1ae2ed299b271891d1943a33901e7cfb3a31ed8',
        s: '0x0e91df4f9841641d3322dad8d932874b74d7e082cdb5b533f804964a6963aef9',
        v: 28,
      },
      vault: {
        r: '0x77151b3ae29b83c8affb3791568c6452019ba8c30019236003abb1efcd809433',
        s: '0x55668c02f6ad4a1c335ce99987b7545984c4edc1765fe52cf115a423dc8279bb',
        v: 27,
      },
      expires: {
        r: '0x162a52128fb58bc6adb783e3d36913c53127851144fc45c5603a51e97b9202fd',
        s: '0x469571eb0a2101a32f81f9584e15fd35c723a6089e106f4f33798dbccf7cd416',
        v: 28,
      },
      vaultAndExpires: {
        r: '0x78fcca006d7fdfaf1f66978ef7a60280246fc3e7a5b39a68a1656c3e42c58bf1',
        s: '0x61a09957de7f0886c2bdffb7a94e3a257bf240796883ea6ceaf4d0be37055cdd',
        v: 27,
      },
    },
    testnet: {
      plain: {
        r: '0x6b0283a894d87b996ad0182b86251cc80d27d61ef307449a2ed249a508ded1f7',
        s: '0x6f884e79f4a0a10af62db831af6f8e03b3f11d899eb49b352f836746ee9226da',
        v: 27,
      },
      vault: {
        r: '0x294a6cf713483c129be9af5c7450aca59c9082f391f02325715c0d04b7f48ac1',
        s: '0x119cfd947dcd2da1d1064a9d08bcf07e01fc9b72dd7cca69a988c74249e300f0',
        v: 27,
      },
      expires: {
        r: '0x5094989a7c0317db6553f21dd7f90d43415e8bd01af03829de249d4ea0aa5f66',
        s: '0x491d04966e81662bd4e70d607fac30e71803c01733f4f66ff7299b0470675b8b',
        v: 27,
      },
      vaultAndExpires: {
        r: '0x3a0bbbd9fadca54f58a2b7050899cecb97f68b2f693c63e91ca60510427326d7',
        s: '0x60f75f12cae7b9dc18b889406192afcaf13f40d2f8c68cc01f7f83f3fb5deb23',
        v: 27,
      },
    },
  },
  /** usdSend, Mainnet, signatureChainId 0x66eee */
  userSigned: {
    destination: '0x1234567890123456789012345678901234567890',
    amount: '1000',
    time: 1234567890,
    signature: {
      r: '0xf777c38efe7c24cc71209526ae608f4e384d0586edf578f0e97b4b9f7c7adcc6',
      s: '0x104a4a97c48ae77bf5bd777bdd45fe72d8f5ff29116b5ff64fd8cfe4ea610786',
      v: 28,
    },
  },
} as const;
