import type { PackageFacts } from '../model.js';

/** Where rules get registry metadata from. The CLI uses pacote; tests may use anything. */
export interface MetadataClient {
  /**
   * Facts for one package, including at least `versions` when the registry has them; rejects
   * with a RegistryError when they cannot be obtained.
   */
  packageFacts(name: string, versions?: readonly string[]): Promise<PackageFacts>;
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
