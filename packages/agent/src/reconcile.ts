// At start-up, the runtime and the registry are brought together again: an agent killed in the
// middle of a deploy leaves containers the registry does not know, or knows under another name.
import type { Logger } from 'pino';

import type { Store } from './db/store.js';
import { asideName } from './runtime/labels.js';
import type { OwnedContainer, Runtime } from './runtime/runtime.js';

export interface ReconcileContext {
  runtime: Runtime;
  store: Store;
  log: Logger;
}

/**
 * Removes owned containers of services missing from the registry; adopts, for a component whose
 * recorded container is gone, an owned container of the same service and component; and puts
 * back an old container a redeploy cut short had set aside, removing its unrecorded replacement.
 * Containers the registry records as they are stay alone.
 */
export async function reconcile(ctx: ReconcileContext): Promise<void> {
  const { runtime, store, log } = ctx;
  const owned = await runtime.listOwned();
  const services = store.list();
  const known = new Set(services.map((s) => s.row.name));

  // A deploy cut short before it was recorded: nothing refers to these containers.
  for (const c of owned.filter((o) => !known.has(o.service))) {
    log.warn({ container: c.name, service: c.service }, 'removing container of unknown service');
    await runtime.remove(c.id);
  }

  for (const s of services) {
    const mine = owned.filter((o) => o.service === s.row.name);
    const slog = log.child({ service: s.row.name });
    const current = new Map<string, OwnedContainer>();

    // Adopt: the recorded container is gone, but the component runs in another one.
    for (const row of s.components) {
      const found =
        mine.find((o) => o.id === row.containerId) ?? adoptable(mine, row.name, row.containerName);
      if (!found) continue;
      if (found.id !== row.containerId) {
        slog.warn({ component: row.name, container: found.name }, 'adopting container');
        store.adopt(s.row.name, row.name, found.id, found.name);
      }
      current.set(row.name, found);
    }

    // The rest are replacements a redeploy created but never recorded.
    const kept = new Set([...current.values()].map((c) => c.id));
    for (const c of mine.filter((o) => !kept.has(o.id))) {
      slog.warn({ container: c.name }, 'removing container missing from the registry');
      await runtime.remove(c.id);
    }

    // Put back an old container the redeploy had stopped and renamed.
    for (const row of s.components) {
      const c = current.get(row.name);
      if (!c || c.name === row.containerName || c.name !== asideName(row.containerName)) continue;
      slog.warn({ container: row.containerName }, 'restoring container of an unfinished deploy');
      await runtime.rename(c.id, row.containerName);
      if (s.row.active) await runtime.start(c.id);
    }
  }
}

/** The owned container of a component, its recorded name first, never one set aside. */
function adoptable(
  mine: OwnedContainer[],
  component: string,
  name: string,
): OwnedContainer | undefined {
  const candidates = mine.filter((o) => o.component === component && o.name !== asideName(name));
  return candidates.find((o) => o.name === name) ?? candidates[0];
}
