import { describe, it } from 'vitest';
import { check, event, ingress, ingressClass, NS, obj, type Row, service } from './__fixtures__/build.js';
import { ingressesAnalyzer } from './ingresses.js';

const rule = (svc: string, port: number) => ({
  rules: [{ http: { paths: [{ path: '/', backend: { service: { name: svc, port: { number: port } } } }] } }],
});
const api = service('api', { selector: { app: 'api' }, ports: [{ port: 80 }] });
const hostRule = (svc: string) => ({
  ingressClassName: 'nginx',
  rules: [
    {
      host: 'shop.example.com',
      http: { paths: [{ path: '/', backend: { service: { name: svc, port: { number: 80 } } } }] },
    },
  ],
});
const aged = (name: string, spec: Record<string, unknown>, created: string) =>
  obj('Ingress', 'networking.k8s.io/v1', name, NS, { spec }, { creationTimestamp: created });
const ROWS: Row[] = [
  {
    name: 'a newer Ingress for a host and path an older one already claims',
    objects: [
      aged('shop-v2', hostRule('api'), '2026-05-02T10:00:00Z'),
      aged('shop', hostRule('api'), '2025-01-01T10:00:00Z'),
      ingressClass('nginx'),
      api,
    ],
    want: [
      {
        kind: 'Ingress',
        name: 'shop-v2',
        reason: 'DuplicateHostPath',
        says: ['older ingress shop', 'keeps the oldest'],
        fix: true,
      },
    ],
  },
  {
    name: 'an ingress-nginx canary shares its main Ingress host and path on purpose: no conflict',
    objects: [
      obj(
        'Ingress',
        'networking.k8s.io/v1',
        'shop-canary',
        NS,
        { spec: hostRule('api') },
        {
          creationTimestamp: '2026-05-02T10:00:00Z',
          annotations: {
            'nginx.ingress.kubernetes.io/canary': 'true',
            'nginx.ingress.kubernetes.io/canary-weight': '0',
          },
        },
      ),
      aged('shop', hostRule('api'), '2025-01-01T10:00:00Z'),
      ingressClass('nginx'),
      api,
    ],
    want: [],
  },
  {
    name: 'the same host and path under two different classes is no conflict',
    objects: [
      aged('shop-v2', { ...hostRule('api'), ingressClassName: 'traefik' }, '2026-05-02T10:00:00Z'),
      aged('shop', hostRule('api'), '2025-01-01T10:00:00Z'),
      ingressClass('nginx'),
      ingressClass('traefik'),
      api,
    ],
    want: [],
  },
  {
    name: 'an Exact path shadowed by a Prefix catch-all: its subpaths go to the other service',
    objects: [
      ingressClass('nginx', true),
      service('api', { ports: [{ port: 8080 }] }),
      service('web', { ports: [{ port: 80 }] }),
      ingress('shop', {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                {
                  path: '/api',
                  pathType: 'Exact',
                  backend: { service: { name: 'api', port: { number: 8080 } } },
                },
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      }),
    ],
    want: [
      {
        kind: 'Ingress',
        name: 'shop',
        reason: 'ExactPathShadowed',
        says: ['pathType Exact', '/api/…', 'service web'],
        fix: true,
      },
    ],
  },
  {
    name: 'an Exact path for a file is fine',
    objects: [
      ingressClass('nginx', true),
      service('web', { ports: [{ port: 80 }] }),
      service('static', { ports: [{ port: 80 }] }),
      ingress('site', {
        ingressClassName: 'nginx',
        rules: [
          {
            http: {
              paths: [
                {
                  path: '/robots.txt',
                  pathType: 'Exact',
                  backend: { service: { name: 'static', port: { number: 80 } } },
                },
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      }),
    ],
    want: [],
  },
  {
    name: 'a class that exists and a backend that resolves',
    objects: [ingress('web', { ingressClassName: 'nginx', ...rule('api', 80) }), ingressClass('nginx'), api],
    want: [],
  },
  {
    name: 'no class and no default class',
    objects: [ingress('web', rule('api', 80)), ingressClass('nginx'), api],
    want: [{ kind: 'Ingress', name: 'web', reason: 'NoIngressClass', says: ['nginx'], fix: true }],
  },
  {
    name: 'no class, and no IngressClass in the cluster to tell which controller serves it',
    objects: [ingress('web', rule('api', 80)), api],
    want: [],
  },
  {
    name: 'no class, but a default class',
    objects: [ingress('web', rule('api', 80)), ingressClass('nginx', true), api],
    want: [],
  },
  {
    name: 'a class that does not exist',
    objects: [
      ingress('web', { ingressClassName: 'traefik', ...rule('api', 80) }),
      ingressClass('nginx'),
      api,
    ],
    want: [{ kind: 'Ingress', name: 'web', reason: 'IngressClassNotFound', says: ['"traefik"'], fix: true }],
  },
  {
    name: 'a backend service that does not exist',
    objects: [ingress('web', { ingressClassName: 'nginx', ...rule('apii', 80) }), ingressClass('nginx'), api],
    want: [{ kind: 'Ingress', name: 'web', reason: 'BackendServiceNotFound', says: ['service apii'] }],
  },
  {
    name: 'a backend port the service does not expose',
    objects: [
      ingress('web', { ingressClassName: 'nginx', ...rule('api', 8080) }),
      ingressClass('nginx'),
      api,
    ],
    want: [
      {
        kind: 'Ingress',
        name: 'web',
        reason: 'BackendPortNotFound',
        says: ['port 8080', 'exposes port 80'],
        fix: true,
      },
    ],
  },
  {
    name: 'a backend ExternalName service, which declares no ports and needs none',
    objects: [
      ingress('web', { ingressClassName: 'nginx', ...rule('cdn', 80) }),
      ingressClass('nginx'),
      service('cdn', { type: 'ExternalName', externalName: 'assets.edge.svc.cluster.local' }),
    ],
    want: [],
  },
  {
    name: 'a TLS secret that does not exist',
    objects: [
      ingress('web', { ingressClassName: 'nginx', tls: [{ secretName: 'web-tls' }], ...rule('api', 80) }),
      ingressClass('nginx'),
      api,
    ],
    want: [{ kind: 'Ingress', name: 'web', reason: 'TLSSecretNotFound', says: ['web-tls'] }],
  },
  {
    name: 'a TLS secret cert-manager cannot issue: the ClusterIssuer named does not exist',
    objects: [
      {
        ...ingress('web', {
          ingressClassName: 'nginx',
          tls: [{ secretName: 'web-tls' }],
          ...rule('api', 80),
        }),
        metadata: {
          name: 'web',
          namespace: 'shop',
          annotations: { 'cert-manager.io/cluster-issuer': 'acme-issuer-x' },
        },
      },
      ingressClass('nginx'),
      api,
      event(
        'CertificateRequest',
        'web-tls-1',
        'IssuerNotFound',
        'Referenced "ClusterIssuer" not found: clusterissuer.cert-manager.io "acme-issuer-x" not found',
      ),
    ],
    want: [
      {
        kind: 'Ingress',
        name: 'web',
        reason: 'TLSSecretNotFound',
        says: [
          'ClusterIssuer acme-issuer-x the ingress asks for does not exist',
          'default (fake) certificate',
        ],
        fix: true,
      },
    ],
  },
];

describe('ingresses analyzer', () => {
  it.each(ROWS)('$name', (row) => check(ingressesAnalyzer, row));
});
