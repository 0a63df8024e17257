import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

const world = (platforms: string) => `schemaVersion: 1
id: image-platform
title: image-platform table test
difficulty: easy
namespace: media
task: "thumbs in namespace media is stuck in ImagePullBackOff since the 4.4.0 release; is the registry down?"
cluster:
  namespaces: [media]
  nodes:
    - { name: g1, labels: { kubernetes.io/arch: arm64 } }
  registry: { platforms: { "media/thumbs:4.4.0": [${platforms}] } }
  deployments:
    - name: thumbs
      namespace: media
      containers: [{ name: thumbs, image: media/thumbs:4.4.0, behavior: { logs: [ready] } }]
expect:
  rootCause: { mustMention: [thumbs] }
`;

describe('image-pull: an image without a variant for the node platform', () => {
  it('names the platform mismatch (an amd64-only image on an arm64 node) and the multi-arch fix', async () => {
    const text = await baselineAnswer(world('linux/amd64'), 'image-platform.yaml');
    expect(text).toMatch(
      /not for the platform of the node the pod runs on \(g1\)[\s\S]*no match for platform in manifest/,
    );
    expect(text).toMatch(/multi-arch image/);
  });

  it('says nothing of platforms when the image has the arm64 variant', async () => {
    const text = await baselineAnswer(world('linux/amd64, linux/arm64'), 'image-platform.yaml');
    expect(text).not.toMatch(/platform/);
  });
});
