export * from './render';
export * from './tree';
export * from './matrix';
export * from './render-cache';
export * from './render-pool';
