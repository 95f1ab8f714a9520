/**
 * Wiring rules: do the objects of the set fit together? Services select pods and reach declared
 * container ports, Ingresses point at existing Service ports, pods reference ConfigMaps, Secrets and
 * ServiceAccounts that exist, NetworkPolicies cover every pod, names and labels are valid and
 * unique, nothing lands in `default`, Argo CD projects and ApplicationSets are tight and point at
 * real directories, and no removed API version is used.
 *
 * Namespaces are per cluster: files under `apps/<env>/<region>/` go to the `<env>-<region>` cluster,
 * every other file to the control-plane cluster, so `book-shop` in dev and in prod are different.
 */
import { Rule } from '../../engine';
import { argocdRules } from './argocd';
import { nameRules } from './names';
import { networkRules } from './network';
import { referenceRules } from './references';
import { removedApiRules } from './removed-apis';
import { serviceRules } from './services';

export { REMOVED_APIS } from './removed-apis';

export const wiringRules: Rule[] = [...serviceRules, ...referenceRules, ...networkRules, ...nameRules, ...argocdRules, ...removedApiRules];
