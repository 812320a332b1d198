/** The document store the configuration names (MOTCUA_BLOB_STORE), with its directories resolved. */
import path from 'node:path';
import type { Config } from '../config';
import { dialectOf } from '../store/db';
import { LocalBlobStore, S3BlobStore, type BlobStore } from '../store/blob-store';

/** The directory next to the database that holds `name` (`./data/<name>` with PostgreSQL). */
export function besideDatabase(databaseUrl: string, name: string): string {
  return dialectOf(databaseUrl) === 'postgres' ? path.resolve('data', name) : path.join(path.dirname(path.resolve(databaseUrl)), name);
}

export function blobStoreFromConfig(config: Config): BlobStore {
  if (config.MOTCUA_BLOB_STORE === 's3') {
    return new S3BlobStore({
      endpoint: config.MOTCUA_S3_ENDPOINT,
      region: config.MOTCUA_S3_REGION,
      bucket: config.MOTCUA_S3_BUCKET!,
      prefix: config.MOTCUA_S3_PREFIX,
      accessKeyId: config.MOTCUA_S3_ACCESS_KEY_ID,
      secretAccessKey: config.MOTCUA_S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.MOTCUA_S3_FORCE_PATH_STYLE,
      stagingDir: config.MOTCUA_UPLOAD_STAGING_DIR ?? besideDatabase(config.DATABASE_URL, 'upload-staging'),
    });
  }
  return new LocalBlobStore(config.MOTCUA_BLOB_DIR ?? besideDatabase(config.DATABASE_URL, 'blobs'));
}
