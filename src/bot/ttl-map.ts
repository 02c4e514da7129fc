/** A bounded map whose entries lapse after `ttlMs` (oldest evicted first when full). */
export function createTtlMap<K, V>(ttlMs: number, maxEntries: number, now: () => number) {
  const entries = new Map<K, { value: V; expiresAt: number }>();
  return {
    get(key: K): V | undefined {
      const hit = entries.get(key);
      return hit && hit.expiresAt > now() ? hit.value : undefined;
    },
    set(key: K, value: V): void {
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
  };
}
