// `natsUrl` is provided by the test kit's global setup (packages/testkit/src/global-setup.ts).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}
