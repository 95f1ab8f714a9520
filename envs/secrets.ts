/**
 * Sealed secret values per app, env and region: ciphertexts only, encrypted for each region's
 * Sealed Secrets controller (envs/certs/<env>-<region>.pem). Written only by `npm run seal`
 * (one line per value); never edit by hand. Plaintext never appears in this repository.
 */
import { apps } from '../apps';
import { Secrets } from '../lib/model';
import { envs } from '.';

export const secrets = {
  'incident-assistant-backend': {
    dev: {
      'us-east-1': {
        OPENAI_API_KEY: {
          sealed: 'AgAK/1ymvW0rVFySYpV8/5rG5LJVsuwzW2TO+iH29lFXqJ8lTSH/TG8ZSmlhjfbwGwBP+fAP+8wWrWrC+MIBN7RGGbFDI632NsyksRDhrkh//XRKwd8JwEu7w8xKnL1dW9gp9I276E4Vp5Pv/Xn6tgs7SKl/3mLNt/qV8mYqvypGP94wrzobSrcMt6JZau95XHc8NMgJ4rRiysr5w83dBApPg9P/6LqDaRi5o2CORR4ElkMTMLYYLGQm5Ce4xgKiIC7rBQ5oBrEUqWI3xOLont5f7/TYYA+jyl/3KUxtoTZ3QZxOX4iN9tjfN4Hsq726BoK7fLe8OP8fpoSoNyDNK+IfqGKZQCNCrEfsuL3smye2AFdHAHuNVRI1seEyyJ/nIhCSTWexXZl1Wa4PMTco+HKUb7mwRNdbyG0weOHQW1fDMtu5FOQNnXYuNYSJrLqrkIYlgaAJmAK5tt9LujqN9jKE+34olNd/oZ8fKkkDN6u7IEv7QIv7aSjkp/TvDh154VEUTA9PKsV/pKhwunOLc1lI/vEoleaW23ozDBmVXNN4w8cRqyOBS2Ofzw0R7DvWOQZh3Z9xWOMlbJBBCNZ+ifV/QNhVO88P86bKZOCf3mmjppivorCYtivjTNjKMiyTlCAYQNUtPQO/8W97WRZcQiCEbbfPQ1qmFLYzjWHmTk26+2wY3XQ9v2AK6vxRPuaEuQi7pAZXav74tkXzyOoevp148djNxFXakeAsFsEeyoD1Uof7',
          scope: 'strict',
          namespace: 'incident-assistant-backend',
          name: 'incident-assistant-backend',
          cert: 'sha256:60918b617ca913e83e6780cd67aa4e942300d8864c8a70eada84244d18f2d17a',
        },
      },
    },
    staging: {
      'us-east-1': {
        OPENAI_API_KEY: {
          sealed: 'AgCQKRQdn2PZTnzczfDSXJCdMYNavU2wlr2V2ic/AuNr4lN7B+8b4Hb67GYcgq44aiDLYi0BBunKGpu2liZFKM1d4R8aXx8BfeMx+vvIaOYTc3kr11gidViPcrntbc61koPJGUue4Bd00IWSJStA7FkA9uIH3ojrIZhPZsbnQ4NwK+NezLX/IYBMRwLb85+VY1nWmgL1ALVshH6KpQ3A43Jzg8/GxO8YnKMd9fovmjii3j75lOKD9wkWdcatIQhvBVSF79mj5Mne9CfLbqdo2wn14vhTGVh5M/F2dBY2JcdlwJpbYqml9Pc7CMZyW0IElMqj2zOT3Hir4lquK1HRoUUMdg4ksPuqyu2Uv5nbsOMOP3VhTrtMc0Sjeb+LWvQ8KSzHgq9GT45M6fWPzJAY1p8FCHcC8+iRf5DqooRs5vIhMC07ZANYPcmram8IG6eu/fWgAWspGWj4Ws3kEHk/yozpnKkfUfcxJbnme9ur5UTjm30+YgzXYn2m6jG2YUPQEDZYs+KcjTrcxAPLVqWDhY8FKdZVwTVjklYkMZye5Ovth1i+h7wLRFmEjMnAZJuqkdeU4jk1snAGcrbvDOXukj5aslrZDR1VUhELFrteBt2F50l51BrqFg4QDiKtZx4XmXqfwT943tli9+LhdJwWCv/IVRaUHiRtAQ3y0+Dz/lRxCyxj0DRhMjke2vQBGmHOXHsNt7+WxlXKzlrK3JGB4QGl9SP3aShYug4DC8aPkLn66g3VCdXVfA==',
          scope: 'strict',
          namespace: 'incident-assistant-backend',
          name: 'incident-assistant-backend',
          cert: 'sha256:d8bd0d786e12b752d5f177e8360e24c70acdfcbec6b89099b8cebbe67ae002f1',
        },
      },
    },
    prod: {
      'us-east-1': {
        OPENAI_API_KEY: {
          sealed: 'AgAYxqBsEE2u3tcMt6g+d9hBP/UCHjsuRez1y6RCXqQY7cmQjx5KPfUXYzis8J/yQ8R6Tg0ZqTJAwo+5CAVpUnOoWW+gABt92TBYJaxcVYRJrP56qlM4/XifDfSUmO7726UlFiA7h/HGM0VfltHn7S4eUgTsR0LWyKH6JnqsZyZmMikrjFAoVNZDL/OP51chdmTaqmxmNhYf+mgok2XFnAhu4tfUuwEAKzwDLhYhBh80y7tHweiKc3QvlZln1AhjdiS/sAZwhHzXiC1If9dinfMp2iR60BQEelRLK+p1X8Dd1EeDpc0kG00boIedzGt1fzFOUep4G+l1oQ6TrDprIaycgvOd+xdHbpwJKDCrheUnqA1Lj+bD21E+MwFVIzsSuwGkpPd/P8uhaHuVOpF0d2JRWRKYgHEuSIJblW2KsY2io+PFQhT6RpTmw6FE6QNpVjfihSKl5stoqjTS62TL52itsIm5CDkVbKcuXu0wqw5HoASo0RK3Lyzr4x556QkkHUtMajCXNGD8VwB4N4P7F5WE9/gStG+nzps0Gwy0aEFHouGxoojfcEFuIpKAKwUYfIjMnuiDKssAISL4icBG0L3/ouyfdwMsRMDpNnWnsmFvJzqNGHtocbU7KVUKUzIYhzKyoVFNcXSSW1QvMwaOcegeSIRXZ7LXH/F3bcAneOaCLDmmngfOvtC6KLWjHiKWa4hLSPgKAf0bHiDnyDWQudEy8XbKf1fKoh5ebnVZ4KRXpD8qZg==',
          scope: 'strict',
          namespace: 'incident-assistant-backend',
          name: 'incident-assistant-backend',
          cert: 'sha256:938438aeacbe6168fcb2fa33319122b0530b8cc34479f83523446a6b10bd3e4e',
        },
      },
      'eu-west-1': {
        OPENAI_API_KEY: {
          sealed: 'AgAyM+moW03/C90EUofTkgmgjz9+clzuJRO4UJXlnYWK+OJGuLzw+ClGFpVulpoVuIlWbeUGktmituzwhTrkxQV2mJNtjNDeajcOk+78GkuFzOpWSozYkvzhbzd9vp+wiCGSXC0dTzcfcwqRc24pY1+R7u1vg6riUsM+BbC0ZbvPFynKKvqYZmMMRZUW11S+jsUu5hQdGvQUqse5sER9H9xkqrngSgS1Y4dviZQKdqbPrWwwMSq61zbWjX06mSIFPpiziG/GWhkOaTX13P165FgiXpw/dLnO3zRCIW1+h7s+mFMQZEmnBwPCQqsx+GyiYjfVDqXRcWyHitNe1kymDoM9dW+jgNRSN+UyH7fwNwRLg1vSr7zkALLi8uzqWhxzkWwoS3EL0B7jn4TYCF5UzDyDnKUvvsTaeBJm58aUNBSe3RiH0oDxryGG0el9DYlsaoky3syyHtKg0UrC8/ZJy04iFvaxSyxipoJgtjtS8dQjqf2gzbVYF+qL4G0wG6JvR/RaXgnHfvdo5uBxjRbBmdT/ptHyae2dMP1bBrN4w6gzj49mXAH068yBK64D0916Twl1JLVnz+Bc4vMvxUrGbD729YaEyzNbTpFxvP1FeWNCPVJ/ReJC2wanRJvMPdj4WkP31rhVDdu/f540AJv4sHpps4ZB4qzo24jLWLOJr9qU+ZenX5sFGgEbMn3TdNU631HbOKnTJrdnK5cphLGeOrJ0sofkmnMwp/9rd9aRsfznBYRQRg==',
          scope: 'strict',
          namespace: 'incident-assistant-backend',
          name: 'incident-assistant-backend',
          cert: 'sha256:f46162faa3f96de6a2bce42133bc1e6ed3c625290f1724a1616c2e9a2427399f',
        },
      },
    },
  },
} satisfies Secrets<typeof apps, typeof envs>;
