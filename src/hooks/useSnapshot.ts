// The store's current snapshot; re-renders at most maxFps times a second (the store's own cap). The store's
// selectors come with it: views ask a snapshot questions only through them.
import { useSyncExternalStore } from 'react';
import type { Snapshot } from '../store/index.js';
import { useMonitor } from './context.js';

export function useSnapshot(): Snapshot {
  const { store } = useMonitor();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
export type { Snapshot, StoreKind } from '../store/index.js';
export { actionsAbout, childrenOf, findObject, labelOfUri, nameOf, relatedOf } from '../store/index.js';
