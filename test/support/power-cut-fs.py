#!/usr/bin/python3
"""
power-cut-fs: a FUSE file system that simulates a power cut, for test/reliability/power-loss.test.ts.

    /usr/bin/python3 power-cut-fs.py BACKING_DIR MOUNT_POINT

Passes everything through to BACKING_DIR, except that file data written through the mount is held in
memory (like the OS page cache) until the file is fsynced (fsync or fdatasync): only then does it reach
BACKING_DIR, which plays the disk. Reads see the written data, as they would from the page cache.

`mkdir MOUNT_POINT/.power-cut` cuts the power: every unsynced write and truncation is dropped, and from
then on writes are ignored and namespace changes refused (the machine is off). Unmount, start a new
instance on the same BACKING_DIR, and the files are what a machine would find after the reboot: exactly
what had been fsynced.

What it does not model (the test says so): directory entries (create, unlink, rename, mkdir) are durable
at once, as if every directory were fsynced immediately — the directory syncs are checked separately —
and a cut never tears a write that was synced (no partial sectors).

Needs Debian's python3-fusepy (which brings libfuse2) and /dev/fuse; run as root (mount(2) directly).
Prints "ready" once mounted, and one line per power cut with what was dropped.
"""
import errno
import os
import sys

from fusepy import FUSE, FuseOSError, Operations

PAGE = 4096
CUT = '/.power-cut'


class Pending:
    """Unsynced state of one file: its logical size, the pages written since the last sync, and `low`,
    the smallest size it had since then (backing bytes at or past `low` are stale: they read as zeros)."""

    def __init__(self, size):
        self.size = size
        self.low = size
        self.pages = {}


class PowerCutFS(Operations):
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.pending = {}
        self.off = False
        self.fsyncs = 0

    def _full(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def _backing_size(self, path):
        return os.lstat(self._full(path)).st_size

    def _state(self, path):
        st = self.pending.get(path)
        if st is None:
            st = self.pending[path] = Pending(self._backing_size(path))
        return st

    def _page(self, path, st, n):
        """The current content of page n (PAGE bytes): pending, or the backing file's with stale bytes zeroed."""
        page = st.pages.get(n)
        if page is not None:
            return page
        start = n * PAGE
        data = b''
        if start < st.low:
            with open(self._full(path), 'rb') as f:
                f.seek(start)
                data = f.read(min(PAGE, st.low - start))
        return bytearray(data.ljust(PAGE, b'\0'))

    def _refuse_when_off(self):
        if self.off:
            raise FuseOSError(errno.EIO)

    def init(self, path):
        print('ready', flush=True)

    # ---- metadata -------------------------------------------------------------------------------------
    def getattr(self, path, fh=None):
        if path == CUT and self.off:
            path = '/'  # `mkdir .power-cut` succeeded: it looks like a directory afterwards
        st = os.lstat(self._full(path))
        attrs = {k: getattr(st, k) for k in ('st_atime', 'st_ctime', 'st_gid', 'st_mode', 'st_mtime', 'st_nlink', 'st_size', 'st_uid')}
        pending = self.pending.get(path)
        if pending is not None:
            attrs['st_size'] = pending.size
        return attrs

    def readdir(self, path, fh):
        return ['.', '..'] + os.listdir(self._full(path))

    def access(self, path, mode):
        if not os.access(self._full(path), mode):
            raise FuseOSError(errno.EACCES)

    def chmod(self, path, mode):
        self._refuse_when_off()
        os.chmod(self._full(path), mode)

    def chown(self, path, uid, gid):
        self._refuse_when_off()
        os.chown(self._full(path), uid, gid)

    def utimens(self, path, times=None):
        if not self.off:
            os.utime(self._full(path), times)

    def statfs(self, path):
        stv = os.statvfs(self._full(path))
        return {k: getattr(stv, k) for k in ('f_bavail', 'f_bfree', 'f_blocks', 'f_bsize', 'f_favail', 'f_ffree', 'f_files', 'f_flag', 'f_frsize', 'f_namemax')}

    # ---- namespace (durable at once) ------------------------------------------------------------------
    def mkdir(self, path, mode):
        if path == CUT:
            self.cut()
            return 0
        self._refuse_when_off()
        os.mkdir(self._full(path), mode)

    def rmdir(self, path):
        self._refuse_when_off()
        os.rmdir(self._full(path))

    def unlink(self, path):
        self._refuse_when_off()
        os.unlink(self._full(path))
        self.pending.pop(path, None)

    def rename(self, old, new):
        self._refuse_when_off()
        os.rename(self._full(old), self._full(new))
        self.pending.pop(new, None)
        if old in self.pending:
            self.pending[new] = self.pending.pop(old)

    def link(self, target, source):
        self._refuse_when_off()
        os.link(self._full(source), self._full(target))

    def create(self, path, mode, fi=None):
        self._refuse_when_off()
        fd = os.open(self._full(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        os.close(fd)
        if path in self.pending:  # O_TRUNC of an existing file: data change, not durable until fsync
            st = self.pending[path]
            st.size = st.low = 0
            st.pages.clear()
        return 0

    def open(self, path, flags):
        if not os.path.exists(self._full(path)):
            raise FuseOSError(errno.ENOENT)
        if flags & os.O_TRUNC:
            self.truncate(path, 0)
        return 0

    # ---- data (held until fsync) ----------------------------------------------------------------------
    def read(self, path, size, offset, fh):
        st = self.pending.get(path)
        if st is None:
            with open(self._full(path), 'rb') as f:
                f.seek(offset)
                return f.read(size)
        end = min(offset + size, st.size)
        out = bytearray()
        pos = offset
        while pos < end:
            n, within = divmod(pos, PAGE)
            take = min(PAGE - within, end - pos)
            out += self._page(path, st, n)[within:within + take]
            pos += take
        return bytes(out)

    def write(self, path, data, offset, fh):
        if self.off:
            return len(data)  # the machine is off: the write goes nowhere
        st = self._state(path)
        pos = offset
        view = memoryview(data)
        while view:
            n, within = divmod(pos, PAGE)
            take = min(PAGE - within, len(view))
            page = self._page(path, st, n)
            page[within:within + take] = view[:take]
            st.pages[n] = page
            pos += take
            view = view[take:]
        st.size = max(st.size, offset + len(data))
        return len(data)

    def truncate(self, path, length, fh=None):
        if self.off:
            return 0
        st = self._state(path)
        if length < st.size:
            last = (length + PAGE - 1) // PAGE
            for n in [n for n in st.pages if n >= last]:
                del st.pages[n]
            within = length % PAGE
            if within and (length // PAGE) in st.pages:
                page = st.pages[length // PAGE]
                page[within:] = b'\0' * (PAGE - within)
            st.low = min(st.low, length)
        st.size = length
        return 0

    def fsync(self, path, datasync, fh):
        self.fsyncs += 1
        if self.off:
            raise FuseOSError(errno.EIO)
        st = self.pending.pop(path, None)
        if st is None:
            return 0
        with open(self._full(path), 'r+b') as f:
            f.truncate(st.low)  # stale bytes past `low` become zeros, as the file's readers saw them
            f.truncate(st.size)
            for n in sorted(st.pages):
                start = n * PAGE
                if start >= st.size:
                    continue
                f.seek(start)
                f.write(bytes(st.pages[n][:min(PAGE, st.size - start)]))
            f.truncate(st.size)
        return 0

    def fsyncdir(self, path, datasync, fh):
        return 0  # directory entries are durable at once (see the module's docstring)

    def flush(self, path, fh):
        return 0  # close() does not sync

    def release(self, path, fh):
        return 0

    # ---- the power cut --------------------------------------------------------------------------------
    def cut(self):
        files = len(self.pending)
        pages = sum(len(st.pages) for st in self.pending.values())
        self.pending.clear()
        self.off = True
        print(f'power cut: dropped {pages} unsynced page(s) of {files} file(s); {self.fsyncs} fsync(s) had been served', flush=True)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write('usage: power-cut-fs.py BACKING_DIR MOUNT_POINT\n')
        sys.exit(2)
    backing, mount = sys.argv[1], sys.argv[2]
    FUSE(PowerCutFS(backing), mount, foreground=True, nothreads=True, fsname='power-cut-fs')


if __name__ == '__main__':
    main()
