// WebSocket client, connection pool and per-IP budget ledger.
export {};
