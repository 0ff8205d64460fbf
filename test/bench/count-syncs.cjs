// Preloaded into the server by the benchmark: counts fdatasync/fsync calls and writes through files
// opened for durable writes, split into files and directories, and prints the totals to stderr on
// SIGUSR2, so the benchmark can count the syncs a chat turn costs without strace.
const fs = require('node:fs');
const counts = { file: 0, dir: 0 };
const kinds = new WeakMap();
// A file opened with O_DSYNC (or O_SYNC) flushes on every write: each write counts as a sync.
const durable = new WeakSet();
const SYNCED = fs.constants.O_DSYNC | fs.constants.O_SYNC;
const originalOpen = fs.promises.open;
fs.promises.open = async function (path, flags, ...rest) {
  const handle = await originalOpen.call(this, path, flags, ...rest);
  try {
    kinds.set(handle, fs.statSync(path).isDirectory() ? 'dir' : 'file');
  } catch {
    kinds.set(handle, 'file');
  }
  if (typeof flags === 'number' && flags & SYNCED) durable.add(handle);
  return handle;
};
void originalOpen('/dev/null').then((h) => {
  const proto = Object.getPrototypeOf(h);
  for (const name of ['sync', 'datasync']) {
    const original = proto[name];
    proto[name] = function (...args) {
      counts[kinds.get(this) ?? 'file']++;
      return original.apply(this, args);
    };
  }
  const write = proto.write;
  proto.write = function (...args) {
    if (durable.has(this)) counts[kinds.get(this) ?? 'file']++;
    return write.apply(this, args);
  };
  return h.close();
});
for (const name of ['fsync', 'fdatasync']) {
  const original = fs[name];
  fs[name] = function (fd, ...rest) {
    let kind = 'file';
    try {
      kind = fs.fstatSync(fd).isDirectory() ? 'dir' : 'file';
    } catch {}
    counts[kind]++;
    return original.call(this, fd, ...rest);
  };
  const originalSync = fs[`${name}Sync`];
  fs[`${name}Sync`] = function (fd) {
    counts[fs.fstatSync(fd).isDirectory() ? 'dir' : 'file']++;
    return originalSync.call(this, fd);
  };
}
process.on('SIGUSR2', () => process.stderr.write(`SYNCS ${JSON.stringify(counts)}\n`));
require('node:module').syncBuiltinESMExports();
