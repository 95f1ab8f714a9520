import { definePlatform } from '../lib/model';

/** Conventions shared by every cluster. */
export const platform = definePlatform({
  labelDomain: 'platform.acme.io',
  ingressControllerNamespace: 'ingress-nginx',
  monitoringNamespace: 'monitoring',
});
