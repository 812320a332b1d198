/**
 * Local files that must survive a power cut once the project has said they exist. Writing a file is not
 * enough: its data sits in the OS page cache until fsync, and a new name (a created file, a hard link, a new
 * directory) is only durable once its directory is fsynced too (POSIX; ext4 usually gets it with the file's
 * fsync, other file systems need the directory's). SQLite syncs its own WAL and the WAL's directory
 * (PRAGMA synchronous, src/store/db.ts), but not the directory of the database file it creates.
 */
import fs from 'node:fs';
import path from 'node:path';

/** fsync of a file or a directory (a directory is opened read-only, which Linux allows to fsync). */
export function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** `mkdir -p` whose new directories are each recorded in their parent on stable storage. */
export function mkdirDurable(dir: string): void {
  const target = path.resolve(dir);
  const first = fs.mkdirSync(target, { recursive: true });
  if (first === undefined) return; // it existed
  // every directory from the first one created down to the target is new: sync each one's parent
  for (let d = target; ; d = path.dirname(d)) {
    fsyncPath(path.dirname(d));
    if (d === first) break;
  }
}

/**
 * Creates `file` empty if it does not exist, with its directories, and syncs it and its directory: a
 * database created on first start is still there after a power cut. Returns whether it was created.
 */
export function createFileDurable(file: string): boolean {
  const target = path.resolve(file);
  mkdirDurable(path.dirname(target));
  let fd: number;
  try {
    fd = fs.openSync(target, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncPath(path.dirname(target));
  return true;
}
