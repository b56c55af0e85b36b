// Wire schemas, pure parsers, REST info client, asset registry and rounding rules.
export {};
