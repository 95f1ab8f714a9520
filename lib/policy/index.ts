export * from './schemas';
export * from './glob';
export * from './go-template';
export * from './appset-expansion';
export * from './plaintext-secrets';
