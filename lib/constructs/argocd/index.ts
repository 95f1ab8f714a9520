export * from './addon-application';
export * from './common';
export * from './env-project';
export * from './platform-project';
export * from './root-application';
export * from './services-application-set';
export * from './vcluster';
export * from './vcluster-registration';
