// Review of held-out set 51's ingress change: NoIngressClass only when the cluster has IngressClasses
// and none is default; BackendPortNotFound skipped for ExternalName Services. Rows that hold are
// plain tests; each bug found is an `it.skip` that says what goes wrong.
import { describe, it } from 'vitest';
import { check, ingress, ingressClass, NS, obj, service } from './__fixtures__/build.js';
import { ingressesAnalyzer } from './ingresses.js';

const rule = (svc: string, port: { number: number } | { name: string }) => ({
  rules: [{ http: { paths: [{ path: '/', backend: { service: { name: svc, port } } }] } }],
});
const api = service('api', { selector: { app: 'api' }, ports: [{ port: 80, name: 'http' }] });
const cdn = (ports?: { port: number; name?: string }[]) =>
  service('cdn', {
    type: 'ExternalName',
    externalName: 'assets.edge.example.com',
    ...(ports ? { ports } : {}),
  });
const annotated = (name: string, cls: string, spec: Record<string, unknown>) =>
  obj(
    'Ingress',
    'networking.k8s.io/v1',
    name,
    NS,
    { spec },
    { annotations: { 'kubernetes.io/ingress.class': cls } },
  );
const nginxDefault = (value: string) =>
  obj(
    'IngressClass',
    'networking.k8s.io/v1',
    'nginx',
    undefined,
    { spec: { controller: 'k8s.io/ingress-nginx' } },
    { annotations: { 'ingressclass.kubernetes.io/is-default-class': value } },
  );

describe('ingresses: the class-less Ingress', () => {
  it('two classes, none default: NoIngressClass names both', () =>
    check(ingressesAnalyzer, {
      name: 'two classes',
      objects: [
        ingress('web', rule('api', { number: 80 })),
        ingressClass('nginx'),
        ingressClass('traefik'),
        api,
      ],
      want: [
        { kind: 'Ingress', name: 'web', reason: 'NoIngressClass', says: ['nginx', 'traefik'], fix: true },
      ],
    }));

  it('a default among several classes serves it: nothing to report', () =>
    check(ingressesAnalyzer, {
      name: 'a default among several',
      objects: [
        ingress('web', rule('api', { number: 80 })),
        ingressClass('traefik'),
        ingressClass('nginx', true),
        api,
      ],
      want: [],
    }));

  it('"True" is not the value Kubernetes reads as default (only "true" is): still NoIngressClass', () =>
    check(ingressesAnalyzer, {
      name: 'True',
      objects: [ingress('web', rule('api', { number: 80 })), nginxDefault('True'), api],
      want: [{ kind: 'Ingress', name: 'web', reason: 'NoIngressClass' }],
    }));

  it('IngressClasses not read (no permission): no class finding either way', () =>
    check(ingressesAnalyzer, {
      name: 'not read',
      objects: [ingress('web', rule('api', { number: 80 })), api],
      read: ['Ingress', 'Service'],
      want: [],
    }));

  it('ingressClassName set but the cluster has no IngressClass at all: the class does not exist', () =>
    check(ingressesAnalyzer, {
      name: 'named, none exist',
      objects: [ingress('web', { ingressClassName: 'nginx', ...rule('api', { number: 80 }) }), api],
      want: [{ kind: 'Ingress', name: 'web', reason: 'IngressClassNotFound', says: ['"nginx"'] }],
    }));

  it('the legacy annotation in a cluster with no IngressClass objects', () => {
    // BUG: an Ingress with only the legacy annotation kubernetes.io/ingress.class: nginx, in a cluster with no IngressClass objects (the very case the change says an older controller serves), is reported IngressClassNotFound; it should get no class finding, as the class-less Ingress now gets none.
    check(ingressesAnalyzer, {
      name: 'legacy annotation, no classes',
      objects: [annotated('web', 'nginx', rule('api', { number: 80 })), api],
      want: [],
    });
  });
});

describe('ingresses: an ExternalName backend', () => {
  it('a numbered port it does not declare: the controller connects to the external name on that port', () =>
    check(ingressesAnalyzer, {
      name: 'numbered, undeclared',
      objects: [
        ingress('web', { ingressClassName: 'nginx', ...rule('cdn', { number: 443 }) }),
        ingressClass('nginx'),
        cdn([{ port: 80, name: 'http' }]),
      ],
      want: [],
    }));

  it('a named port it declares', () =>
    check(ingressesAnalyzer, {
      name: 'named, declared',
      objects: [
        ingress('web', { ingressClassName: 'nginx', ...rule('cdn', { name: 'https' }) }),
        ingressClass('nginx'),
        cdn([{ port: 443, name: 'https' }]),
      ],
      want: [],
    }));

  it('an ExternalName Service in another namespace is still not this namespace’s Service', () =>
    check(ingressesAnalyzer, {
      name: 'other namespace',
      objects: [
        ingress('web', { ingressClassName: 'nginx', ...rule('cdn', { number: 80 }) }),
        ingressClass('nginx'),
        obj('Service', 'v1', 'cdn', 'edge', {
          spec: { type: 'ExternalName', externalName: 'x.example.com' },
        }),
      ],
      want: [{ kind: 'Ingress', name: 'web', reason: 'BackendServiceNotFound', says: ['service cdn'] }],
    }));

  it('a ClusterIP Service is still checked: a port it does not expose is reported', () =>
    check(ingressesAnalyzer, {
      name: 'ClusterIP named port missing',
      objects: [
        ingress('web', { ingressClassName: 'nginx', ...rule('api', { name: 'grpc' }) }),
        ingressClass('nginx'),
        api,
      ],
      want: [{ kind: 'Ingress', name: 'web', reason: 'BackendPortNotFound', says: ['port grpc'] }],
    }));

  it.skip('a named port the ExternalName Service does not declare', () => {
    // BUG: an Ingress backend port given by name ("https") to an ExternalName Service that declares no such port gets no finding; a name cannot be turned into a port number without the Service's ports (ingress-nginx's externalNamePorts falls back to port 0), so BackendPortNotFound should still be reported.
    check(ingressesAnalyzer, {
      name: 'named, undeclared',
      objects: [
        ingress('web', { ingressClassName: 'nginx', ...rule('cdn', { name: 'https' }) }),
        ingressClass('nginx'),
        cdn(),
      ],
      want: [{ kind: 'Ingress', name: 'web', reason: 'BackendPortNotFound', says: ['https'] }],
    });
  });
});
