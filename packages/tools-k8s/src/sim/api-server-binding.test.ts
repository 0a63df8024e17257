import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createSimCluster, serveCluster } from './index.js';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('the simulated API server is loopback only', () => {
  it('listens on 127.0.0.1 and not on any other address of this machine', async () => {
    const server = await serveCluster(createSimCluster({ namespaces: ['shop'] }));
    try {
      expect(new URL(server.url).hostname).toBe('127.0.0.1');
      expect(await reachable('127.0.0.1', server.port)).toBe(true);
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
        .map((a) => a!.address);
      for (const address of others) expect(await reachable(address, server.port), address).toBe(false);
    } finally {
      await server.close();
    }
  });
});
