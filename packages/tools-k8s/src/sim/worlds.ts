import type { WorldInput } from './world-schema.js';

/**
 * The seed demo's world: a Java checkout service whose heap outgrows its 512Mi limit. It has been
 * OOM-killed three times; a replacement pod OOMs again unless its memory limit is raised above what
 * the program needs. Other workloads in the namespace are healthy distractors.
 */
export function checkoutOomWorld(): WorldInput {
  return {
    now: '2026-01-15T10:00:00Z',
    seed: 'seed-demo',
    namespaces: ['shop'],
    nodes: [
      { name: 'worker-a', cpu: '4', memory: '16Gi', labels: { 'topology.kubernetes.io/zone': 'eu-west-1a' } },
      { name: 'worker-b', cpu: '4', memory: '16Gi', labels: { 'topology.kubernetes.io/zone': 'eu-west-1b' } },
    ],
    deployments: [
      {
        name: 'checkout',
        namespace: 'shop',
        replicas: 1,
        age: '6d',
        podTemplateHash: '7f9c8d6b5',
        changeCause: 'release 2.14.0: bigger cart cache',
        history: [
          { image: 'registry.example.com/shop/checkout:2.13.1', changeCause: 'release 2.13.1', age: '9d' },
        ],
        containers: [
          {
            name: 'checkout',
            image: 'registry.example.com/shop/checkout:2.14.0',
            ports: [{ name: 'http', containerPort: 8080 }],
            env: {
              JAVA_OPTS: '-XX:MaxRAMPercentage=90',
              SPRING_PROFILES_ACTIVE: 'prod',
              PAYMENTS_URL: 'http://payments.shop:8080',
            },
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
            readinessProbe: { httpGet: { path: '/actuator/health', port: 8080 }, periodSeconds: 10 },
            behavior: {
              memory: { need: '700Mi' },
              cpu: { need: '180m' },
              failAfter: '90s',
              listenPorts: [8080],
              logs: [
                'INFO  Starting CheckoutApplication v2.14.0 using Java 17.0.9',
                'INFO  Tomcat initialized with port 8080 (http)',
                'INFO  Cart cache warming: 120000 entries',
                'INFO  Started CheckoutApplication in 8.214 seconds',
              ],
              oomLogs: [
                'INFO  Starting CheckoutApplication v2.14.0 using Java 17.0.9',
                'INFO  Tomcat initialized with port 8080 (http)',
                'INFO  Cart cache warming: 120000 entries',
                'INFO  Started CheckoutApplication in 8.214 seconds',
                'WARN  GC overhead: 38% of time in young collections over the last 60s',
                'WARN  Cart cache size 480000 entries, evictions 0',
                'ERROR Exception in thread "http-nio-8080-exec-7" java.lang.OutOfMemoryError: Java heap space',
                '      at java.base/java.util.HashMap.resize(HashMap.java:702)',
                '      at com.example.checkout.cart.CartCache.put(CartCache.java:88)',
              ],
            },
          },
        ],
        pods: [
          {
            name: 'checkout-7f9c8d6b5-x2k4p',
            node: 'worker-a',
            age: '47m',
            restarts: 3,
            state: { running: { startedAt: '2026-01-15T09:57:40Z' } },
            lastState: {
              terminated: {
                reason: 'OOMKilled',
                exitCode: 137,
                startedAt: '2026-01-15T09:43:12Z',
                finishedAt: '2026-01-15T09:57:20Z',
              },
            },
            ready: true,
            oomKills: 3,
            usage: { cpu: '412m', memory: '497Mi' },
            logs: [
              'INFO  Starting CheckoutApplication v2.14.0 using Java 17.0.9',
              'INFO  Tomcat initialized with port 8080 (http)',
              'INFO  Cart cache warming: 120000 entries',
              'INFO  Started CheckoutApplication in 8.214 seconds',
              'WARN  GC overhead: 31% of time in young collections over the last 60s',
            ],
            previousLogs: [
              'INFO  Starting CheckoutApplication v2.14.0 using Java 17.0.9',
              'INFO  Started CheckoutApplication in 8.007 seconds',
              'INFO  GET /api/cart 200 12ms',
              'WARN  GC overhead: 44% of time in young collections over the last 60s',
              'WARN  Cart cache size 470211 entries, evictions 0',
              'ERROR Exception in thread "http-nio-8080-exec-3" java.lang.OutOfMemoryError: Java heap space',
              '      at java.base/java.util.HashMap.resize(HashMap.java:702)',
              '      at com.example.checkout.cart.CartCache.put(CartCache.java:88)',
              '      at com.example.checkout.api.CartController.add(CartController.java:41)',
            ],
            events: [
              {
                type: 'Warning',
                reason: 'BackOff',
                message: 'Back-off restarting failed container checkout in pod checkout-7f9c8d6b5-x2k4p_shop',
                count: 3,
                age: '3m',
                firstSeen: '33m',
              },
              {
                type: 'Normal',
                reason: 'Pulled',
                message:
                  'Container image "registry.example.com/shop/checkout:2.14.0" already present on machine',
                count: 4,
                age: '3m',
                firstSeen: '47m',
              },
              {
                type: 'Normal',
                reason: 'Started',
                message: 'Started container checkout',
                count: 4,
                age: '3m',
                firstSeen: '47m',
              },
            ],
          },
        ],
      },
      {
        name: 'cart',
        namespace: 'shop',
        replicas: 2,
        age: '20d',
        containers: [
          {
            name: 'cart',
            image: 'registry.example.com/shop/cart:1.8.3',
            ports: [8080],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            behavior: {
              memory: { need: '150Mi' },
              cpu: { need: '40m' },
              logs: ['INFO cart service listening on :8080', 'INFO GET /healthz 200'],
            },
          },
        ],
      },
      {
        name: 'payments',
        namespace: 'shop',
        replicas: 1,
        age: '34d',
        containers: [
          {
            name: 'payments',
            image: 'registry.example.com/shop/payments:3.2.0',
            ports: [8080],
            resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '512Mi' } },
            behavior: {
              memory: { need: '210Mi' },
              cpu: { need: '60m' },
              logs: ['INFO payments ready', 'WARN upstream bank API latency 850ms (threshold 500ms)'],
            },
          },
        ],
      },
    ],
    services: [
      {
        name: 'checkout',
        namespace: 'shop',
        selector: { app: 'checkout' },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
      { name: 'cart', namespace: 'shop', selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] },
      { name: 'payments', namespace: 'shop', selector: { app: 'payments' }, ports: [8080] },
    ],
    objects: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'checkout-config', namespace: 'shop' },
        data: { 'cart.cache.max-entries': 'unbounded' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'payments-api', namespace: 'shop' },
        type: 'Opaque',
        data: { token: 'c2stbGl2ZS1kby1ub3Qtc2hvdw==' },
      },
    ],
    events: [
      {
        namespace: 'shop',
        object: 'Deployment/payments',
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: 'Scaled up replica set payments-5d8f7c9b4 to 1',
        age: '34d',
      },
    ],
  };
}
