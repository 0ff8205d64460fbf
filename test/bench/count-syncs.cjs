// Preloaded into the server by the benchmark: counts fdatasync/fsync calls, split into files and
// directories, and prints the totals to stderr on SIGUSR2, so the benchmark can count the syncs a
// chat turn costs without strace.
const fs = require('node:fs');
const counts = { file: 0, dir: 0 };
const kinds = new WeakMap();
const originalOpen = fs.promises.open;
fs.promises.open = async function (path, ...rest) {
  const handle = await originalOpen.call(this, path, ...rest);
  try {
    kinds.set(handle, fs.statSync(path).isDirectory() ? 'dir' : 'file');
  } catch {
    kinds.set(handle, 'file');
  }
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
