/**
 * Which image each app runs in each environment (and, where it differs, each region).
 * Written by tools (`npm run release`) and CI; each value is one line, so every change is a
 * one-line diff. Build once, deploy many: staging and prod get the digest that dev ran.
 */
import { apps } from '../apps';
import { Releases } from '../lib/model';
import { envs } from '.';

export const releases = {
  echo: {
    dev: { tag: '1.3.0-SNAPSHOT-7d2a1b4', digest: 'sha256:46a2d457588577c9fab2f9b4272f22879ca1c09c456d9fb17aa49b7465eb6ef0' },
    staging: { tag: '1.2.0-SNAPSHOT-3c9e0f2', digest: 'sha256:c870ca8f82d6c2b656395fda96b1ed64a307e7c89804a70f12bd6ec5677c7c20' },
    prod: { tag: 'v1.2.0', digest: 'sha256:44b5284b4254e4268cee826c30f86642ddd59e444edf4e225882820221963fe4' },
  },
  'book-shop': {
    dev: { tag: 'a41f9c3', digest: 'sha256:622e0adbf3e8bc95e300172120fd60ee8daa5a10b81a95bdb3c9bab3a45826aa' },
    staging: { tag: '2.5.0-SNAPSHOT-1f2e3d4', digest: 'sha256:3a3923c57dcb7471910331a687fddfd421def3d43a41627da08abfcf9d11b410' },
    prod: {
      tag: 'v2.4.1',
      digest: 'sha256:225dd9d283cb97d8de08b895654e0b67e33281368a4c496f3a4b6bfc76510e80',
      regions: {
        // canary: eu-west-1 runs the next release first
        'eu-west-1': { tag: 'v2.5.0', digest: 'sha256:bb377da4f0378ffd249221598a53c8cb22eef81f67d60a859b32d0f37a423951' },
      },
    },
  },
  'incident-assistant-backend': {
    dev: { tag: '0.9.0-SNAPSHOT-9e8d7c6', digest: 'sha256:c7686de622f88f1bd4a3647706c8dafb80d200ebe3be5fad138ee98ede71da51' },
    staging: { tag: '0.9.0-SNAPSHOT-9e8d7c6', digest: 'sha256:c7686de622f88f1bd4a3647706c8dafb80d200ebe3be5fad138ee98ede71da51' },
    prod: {
      regions: {
        'us-east-1': { tag: 'v0.9.0', digest: 'sha256:2ba4e6c315f30635274b1a4de21b25ca11f292da37fd10b0caeaf99f2069fdc3' },
      },
    },
  },
  'incident-assistant-frontend': {
    dev: { tag: '5b4a3f2', digest: 'sha256:fd30341a1682282073f1f89199661c1fed3369717a37c616b0c135980b088591' },
    staging: { tag: '5b4a3f2', digest: 'sha256:fd30341a1682282073f1f89199661c1fed3369717a37c616b0c135980b088591' },
    prod: {
      regions: {
        'us-east-1': { tag: 'v0.9.0', digest: 'sha256:920df90be34838650ad54809738040828fb13fc739d40b9205c04cd0dc62d86a' },
      },
    },
  },
} satisfies Releases<typeof apps, typeof envs>;
