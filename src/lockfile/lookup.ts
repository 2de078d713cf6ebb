/**
 * Node's module lookup, for lockfiles that record an install layout (npm, Bun): a dependency
 * resolves to the package its dependent's folder installs under that name, else the nearest
 * enclosing folder's, up to the top. Walking up from every dependent costs the nesting depth per
 * dependency, and a hostile lockfile nests thousands deep; here folders are ids in a tree, and one
 * depth-first walk answers every question, keeping per name the stack of enclosing folders that
 * install it: time linear in folders, installed packages and questions, however deep the nesting.
 */

/** Folders found by their path segments: a long path is walked segment by segment, never sliced or hashed whole. */
export class FolderTree {
  /** The enclosing folder of each folder; the top folder (id 0) has none (-1). */
  readonly parent: number[] = [-1];
  readonly #children: Array<Map<string, number>> = [new Map()];

  /** The ids of the folders on the way to `segments`, the top first and the folder itself last; new ones are added. */
  add(segments: readonly string[]): number[] {
    const ids = [0];
    let id = 0;
    for (const segment of segments) {
      let child = this.#children[id]!.get(segment);
      if (child === undefined) {
        child = this.parent.length;
        this.parent.push(id);
        this.#children.push(new Map());
        this.#children[id]!.set(segment, child);
      }
      id = child;
      ids.push(id);
    }
    return ids;
  }
}

/**
 * For each folder that asks for names, what each name resolves to: the nearest folder on its
 * `parent` chain (itself first) that installs the name, or null. `parent` must make a tree rooted
 * at folder 0.
 */
export function lookUpAll<T>(
  parent: readonly number[],
  installed: ReadonlyMap<number, ReadonlyMap<string, T>>,
  asked: ReadonlyMap<number, Iterable<string>>,
): Map<number, Map<string, T | null>> {
  const children: number[][] = parent.map(() => []);
  for (let id = 1; id < parent.length; id++) children[parent[id]!]!.push(id);
  const visible = new Map<string, T[]>();
  const answers = new Map<number, Map<string, T | null>>();
  // [folder, leaving]: entering pushes what the folder installs, leaving pops it
  const stack: Array<[number, boolean]> = [[0, false]];
  while (stack.length > 0) {
    const [folder, leaving] = stack.pop()!;
    const here = installed.get(folder);
    if (leaving) {
      if (here) for (const name of here.keys()) visible.get(name)!.pop();
      continue;
    }
    if (here) {
      for (const [name, target] of here) {
        const list = visible.get(name);
        if (list) list.push(target);
        else visible.set(name, [target]);
      }
    }
    const names = asked.get(folder);
    if (names) answers.set(folder, new Map([...names].map((name) => [name, visible.get(name)?.at(-1) ?? null])));
    stack.push([folder, true]);
    for (const child of children[folder]!) stack.push([child, false]);
  }
  return answers;
}
