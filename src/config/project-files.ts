/**
 * The project files whose settings judge a change: the registry and credentials (.npmrc), the
 * cooldown (.npmrc, pnpm-workspace.yaml, .yarnrc.yml), and which dependencies may run install
 * scripts (all of them, and package.json). Which side of the change each is read from is
 * src/trust.ts's call; this only names them and reads them through the `read` it is given.
 */
const PROJECT_FILES = ['.npmrc', 'pnpm-workspace.yaml', '.yarnrc.yml', 'package.json'] as const;

export type ProjectFileName = (typeof PROJECT_FILES)[number];

/** Each project file's text; null when absent. */
export type ProjectFiles = Readonly<Record<ProjectFileName, string | null>>;

/** Each of PROJECT_FILES, through `read` (which decides which side of the change it comes from). */
export async function readProjectFiles(read: (name: ProjectFileName) => Promise<string | null>): Promise<ProjectFiles> {
  const texts = await Promise.all(PROJECT_FILES.map(read));
  return Object.fromEntries(PROJECT_FILES.map((name, i) => [name, texts[i] ?? null])) as ProjectFiles;
}
