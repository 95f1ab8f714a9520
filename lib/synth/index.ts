export * from './render';
export * from './tree';
export * from './matrix';
