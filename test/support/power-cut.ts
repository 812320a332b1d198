/**
 * A simulated power cut for tests: ./power-cut-fs.py (a FUSE file system, Debian's python3-fusepy)
 * mounted over a backing folder keeps written file data in memory until it is fsynced, like the OS page
 * cache; `cut()` drops whatever was not synced, as a power cut would. Unmount and mount again on the
 * same folder: the files are what the machine finds after the reboot.
 *
 * `powerCutFacility()` says whether this machine can run it (root, /dev/fuse, /usr/bin/python3 with fusepy,
 * and a trial mount); `.ci/run` installs python3-fusepy.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PROGRAM = path.join(__dirname, 'power-cut-fs.py');
const PYTHON = '/usr/bin/python3';

export interface PowerCutMount {
  /** the mount point: put the database here */
  dir: string;
  /** drops every unsynced write; from now on writes go nowhere. Returns the file system's report. */
  cut(): Promise<string>;
  /** unmounts (after the processes using it are gone) */
  unmount(): Promise<void>;
}

function mounted(dir: string): boolean {
  return fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === dir);
}

/** Mounts power-cut-fs at `dir` over `backing`; resolves once it answers. */
export async function mountPowerCutFs(backing: string, dir: string): Promise<PowerCutMount> {
  const child: ChildProcess = spawn(PYTHON, [PROGRAM, backing, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  for (const deadline = Date.now() + 15_000; !(output.includes('ready') && mounted(dir));) {
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`power-cut-fs did not mount at ${dir}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    dir,
    cut: async () => {
      const before = output.length;
      fs.mkdirSync(path.join(dir, '.power-cut'));
      for (const deadline = Date.now() + 5000; !output.slice(before).includes('power cut:') && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 10));
      return output.slice(before).trim();
    },
    unmount: async () => {
      if (!gone) {
        const r = spawnSync('umount', [dir], { encoding: 'utf8' });
        if (r.status !== 0) {
          spawnSync('umount', ['-l', dir]);
          child.kill('SIGKILL');
        }
      }
      await exited;
    },
  };
}

/** null when the simulation can run here, else why not. */
export function powerCutFacility(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (power-cut-fs mounts with mount(2))';
  if (!fs.existsSync('/dev/fuse')) return 'no /dev/fuse';
  const py = spawnSync(PYTHON, ['-c', 'import fusepy'], { encoding: 'utf8' });
  if (py.status !== 0)
    return `${PYTHON} cannot import fusepy (apt-get install python3-fusepy): ${(py.stderr || py.error?.message || '').trim().split('\n').at(-1)}`;
  return null;
}

/** Tries a mount, a write, a cut and a remount; null when all worked, else what failed. */
export async function tryPowerCut(): Promise<string | null> {
  const why = powerCutFacility();
  if (why) return why;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-powercut-probe-'));
  const backing = path.join(root, 'disk');
  const dir = path.join(root, 'mnt');
  fs.mkdirSync(backing);
  fs.mkdirSync(dir);
  try {
    const m = await mountPowerCutFs(backing, dir);
    try {
      const fd = fs.openSync(path.join(dir, 'probe'), 'w');
      fs.writeSync(fd, 'synced');
      fs.fsyncSync(fd);
      fs.writeSync(fd, ' lost');
      fs.closeSync(fd);
      await m.cut();
    } finally {
      await m.unmount();
    }
    const after = fs.readFileSync(path.join(backing, 'probe'), 'utf8');
    return after === 'synced' ? null : `the probe file holds ${JSON.stringify(after)} after the cut, expected "synced"`;
  } catch (err) {
    return (err as Error).message;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
