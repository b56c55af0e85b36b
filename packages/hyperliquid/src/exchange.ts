// Exchange client: signed actions sent over REST /exchange or WS post, exactly once, under the budgets.
export {};
