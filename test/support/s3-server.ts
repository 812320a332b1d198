/**
 * A real S3-protocol server for the tests: s3rver (an npm package implementing the S3 REST API on a local
 * directory), on 127.0.0.1 at a free port, with a fresh bucket. The S3 store talks to it through the AWS SDK
 * exactly as it would to MinIO or a cloud's S3 service. (s3rver does not check signatures: credentials are
 * only exercised against a real service.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalBlobStore, S3BlobStore, type BlobStore } from '../../src/store/blob-store';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no types
const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

export interface TestS3 {
  endpoint: string;
  bucket: string;
  store(stagingDir?: string): S3BlobStore;
  /** a fresh prefix and staging directory, and `open` a store on them, again and again (a restart, a second instance) */
  reopenable(): { prefix: string; stagingDir: string; open: () => S3BlobStore };
  close(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-s3-'));
  const bucket = 'motcua-test';
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: path.join(dir, 'data'),
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const stores: S3BlobStore[] = [];
  return {
    endpoint,
    bucket,
    store: (stagingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-s3-staging-'))) => {
      const s = new S3BlobStore({
        endpoint,
        region: 'us-east-1',
        bucket,
        prefix: `centre-${stores.length + 1}/`,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
        stagingDir,
      });
      stores.push(s);
      return s;
    },
    reopenable: () => {
      const prefix = `reopenable-${Math.random().toString(16).slice(2)}/`;
      const stagingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-s3-staging-'));
      const open = () =>
        new S3BlobStore({
          endpoint,
          region: 'us-east-1',
          bucket,
          prefix,
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
          forcePathStyle: true,
          stagingDir,
        });
      return { prefix, stagingDir, open };
    },
    close: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The two document stores a suite runs on, for `describe.each`: a fresh local directory, and a fresh prefix on the
 * S3-protocol server this call starts for the suite (beforeAll) and stops after it (afterAll).
 */
export function documentStores(): { name: string; make(): BlobStore }[] {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => s3.close());
  return [
    { name: 'local', make: () => new LocalBlobStore(fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-blobs-'))) },
    { name: 's3', make: () => s3.store() },
  ];
}

/** Every database with every store, labelled "sqlite + local" and so on. */
export function crossStores<B extends { label: string }, S extends { name: string }>(backends: readonly B[], stores: readonly S[]) {
  return backends.flatMap((backend) => stores.map((store) => ({ backend, store, label: `${backend.label} + ${store.name}` })));
}
