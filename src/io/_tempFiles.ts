// Private: the temporary files rivulet writes beside a target before renaming it into place — their names, exit cleanup, stale ones removed.

/** Temporary files of this process not yet renamed or removed; removed on exit (process.exit or the end of the event loop). */
const live = new Set<string>();
let exitHook = false;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Our temporary files for a target named `base`: `.<base>.<pid>.<uuid>.tmp`, or (older releases) `.<base>.<uuid>.tmp`. */
const pattern = (base: string): RegExp =>
  new RegExp(`^\\.${escape(base)}\\.(?:(\\d+)\\.)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp$`);

/** Files without a pid are taken as abandoned once this old (a write in progress touches its file far more often). */
const UNOWNED_AGE_MS = 10 * 60 * 1000;

const alive = (pid: number): boolean => {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as { code?: string }).code === "EPERM";
  }
};

/** A fresh temporary path beside `path`, registered for removal should the process exit before it is renamed. */
export const newTempPath = async (path: string): Promise<string> => {
  const { basename, dirname, join } = await import("node:path");
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${crypto.randomUUID()}.tmp`);
  live.add(temp);
  if (!exitHook) {
    exitHook = true;
    const { rmSync } = await import("node:fs");
    process.once("exit", () => {
      for (const t of live) rmSync(t, { force: true });
    });
  }
  return temp;
};

/** Marks `temp` as renamed or removed: nothing to clean up any more. */
export const releaseTempPath = (temp: string): void => {
  live.delete(temp);
};

/**
 * Removes temporary files for `path` left by writers that died (killed mid-write): those whose process is gone, those
 * of this process not in flight, and unowned ones older than ten minutes. Best effort: a failure to remove is ignored.
 */
export const removeStaleTemps = async (path: string): Promise<readonly string[]> => {
  const { readdir, rm, stat } = await import("node:fs/promises");
  const { basename, dirname, join } = await import("node:path");
  const re = pattern(basename(path));
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (m === null) continue;
    const file = join(dirname(path), name);
    const pid = m[1] === undefined ? undefined : Number(m[1]);
    const stale =
      pid === undefined ? await stat(file).then((s) => Date.now() - s.mtimeMs > UNOWNED_AGE_MS, () => false)
      : pid === process.pid ? !live.has(file)
      : !alive(pid);
    if (stale && (await rm(file, { force: true }).then(() => true, () => false))) removed.push(file);
  }
  return removed;
};
