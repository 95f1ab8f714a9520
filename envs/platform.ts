import { definePlatform } from '../lib/model';

/** Conventions shared by every cluster: the one place for the repository URL and SSO groups. */
export const platform = definePlatform({
  labelDomain: 'platform.acme.io',
  gitops: {
    repoURL: 'https://github.com/acme/gitops.git',
    revision: 'main',
    distPath: 'dist',
    argocdNamespace: 'argocd',
  },
  sso: { readersGroup: 'engineering', teamGroupPrefix: 'acme:', platformGroup: 'acme:platform' },
  // Argo CD notifications: each team's Slack channel (the apps' `team`; others: `default`) hears about its apps' failed
  // syncs, degraded health and deploys in every env. The bot token is the property slack-token of the AWS Secrets Manager
  // secret argocd/notifications in the hub's region, which the hub's External Secrets Operator reads: never in Git.
  notifications: {
    argocdUrl: 'https://argocd.acme.io',
    slack: {
      default: 'deploys',
      teams: { shop: 'shop-deploys', sre: 'sre-deploys' },
      token: { secret: 'argocd/notifications' },
    },
  },
  ingressControllerNamespace: 'traefik',
  monitoringNamespace: 'monitoring',
  // The apps' smoke tests run curl from our registry (prod pulls from ghcr.io/acme/ only): mirrored with
  // `crane copy curlimages/curl:8.11.1 ghcr.io/acme/mirror/curl:8.11.1`, which keeps the digest.
  smokeTestImage: 'ghcr.io/acme/mirror/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69',
  // The host clusters, one per region; each env/region's vcluster runs on its region's host. The hub runs
  // Argo CD and reaches the other hosts with EKS IAM (awsAuthConfig): nothing here is a credential.
  hosts: {
    'host-us-east-1': {
      region: 'us-east-1',
      hub: true,
      // The apps' databases in us-east-1 (RDS in the cluster's VPC; the provider's IAM role via IRSA).
      databases: {
        subnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712', 'subnet-0a1b2c3d4e5f60713'],
        securityGroupIds: ['sg-0a1b2c3d4e5f60719'],
        subnetCidrs: ['10.10.64.0/20', '10.10.80.0/20', '10.10.96.0/20'],
        providerRoleArn: 'arn:aws:iam::111122223333:role/crossplane-aws-host-us-east-1',
      },
    },
    'host-eu-west-1': {
      region: 'eu-west-1',
      server: 'https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks.amazonaws.com',
      awsAuthConfig: { clusterName: 'host-eu-west-1', roleARN: 'arn:aws:iam::111122223333:role/argocd-host-eu-west-1' },
      // The cluster's CA certificate (public): `aws eks describe-cluster --name host-eu-west-1 --query cluster.certificateAuthority.data`.
      caData:
        'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURDekNDQWZPZ0F3SUJBZ0lVTDlGK05aOCsxdEw0QkRLUWZWckhqUzhLWEVJd0RRWUpLb1pJaHZjTkFRRUwKQlFBd0ZURVRNQkVHQTFVRUF3d0thM1ZpWlhKdVpYUmxjekFlRncweU5qRXlNREl3T0RJd05UWmFGdzB6TmpFeApNamt3T0RJd05UWmFNQlV4RXpBUkJnTlZCQU1NQ210MVltVnlibVYwWlhNd2dnRWlNQTBHQ1NxR1NJYjNEUUVCCkFRVUFBNElCRHdBd2dnRUtBb0lCQVFDa1UyZzlndFpUZ3dqY3RSaXBWSXdJVWUxZksxdkl2RHJ5RWhPbDMvZXEKQkxPN0x0RWhWRHVndzVmUDFQeTY0S2VpemhPSGROcDBtcGpLU3dUUlNncW0wWE5DU09XL2FiYXhOemtJV1I2QwpBSmxtM2xGRGVGaGYvdi9zZlgyQ1B6YU55dFZJYmhWYW91RjZub1FyUlhuSlF2WFVhR2s4ZTN1eExSeU9zenJiCnJEclFFeUs5SXVSeGJ0cUlibTRIa3JoNWxVdm1zbDFTbDZqcjV2NS9SbkR3VS9IQXBNV05HM1hxV3lLcmNwMUgKaTdLM3lsNlUyWC9yZGRETWJ6VUdrUExTQTl6Q001LzBRSkY5VEcvZ0x5WmJ3U2J0Z1YyTlIzcUoyQkJyTURkSQp5MjRxTzlFc2ZJNzhHNFMvZEdyTUNaNnhrSmtWMXh0ZG5ZclZ0eklDekFmWEFnTUJBQUdqVXpCUk1CMEdBMVVkCkRnUVdCQlRka0dSSWF3S2hseTVXcWpPTERLWFpQcEdkYXpBZkJnTlZIU01FR0RBV2dCVGRrR1JJYXdLaGx5NVcKcWpPTERLWFpQcEdkYXpBUEJnTlZIUk1CQWY4RUJUQURBUUgvTUEwR0NTcUdTSWIzRFFFQkN3VUFBNElCQVFCOApvenRXdUlsSktJbUlHVkFOWXZMYUJ0ZmZpaGdFOHhQME1Sdm1sMHFEekhUMHJ2Q1oxRjB2dkdIOHlOMEcyZXNHCmUyTGJibElnMDFEcjNuaUcxdnZJM0NGQXR1cncwd2kyZFZkdERqK25odFNaL3lYV2hTcnFxWXZHa2hxSmJsR0cKY3Z3cHBObnRzQnpKRExPWk1tNWkxQURZVmN5SFdRUllJUzkxb3hBVUZWN2VMUkYySThxTUJyMmdha1FxYzhLWQp5aCt1SnhCTXNmT3BzRkVwMkVyckk5UFNqeGZ4dTZwc0ZIbFk2clg4NkQ1VWw3SXdWcmQ4T2p2SEJZMklNVW1hCkd2VnpjUmNOOWZJei9ldEE2NTRHVGI2Vnh5dTQ3eEJwS3NzcmI2WnVCWnFwLzRYTGxJLzFwNUpGU2hDYWdzNWgKVTJrMmlKbituNVVXQnI5ZXJLaHEKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=',
      vclusterApiDomain: 'vc.eu-west-1.acme.internal',
      databases: {
        subnetIds: ['subnet-0b1c2d3e4f5a60721', 'subnet-0b1c2d3e4f5a60722', 'subnet-0b1c2d3e4f5a60723'],
        securityGroupIds: ['sg-0b1c2d3e4f5a60729'],
        subnetCidrs: ['10.20.64.0/20', '10.20.80.0/20', '10.20.96.0/20'],
        providerRoleArn: 'arn:aws:iam::111122223333:role/crossplane-aws-host-eu-west-1',
      },
    },
  },
});
