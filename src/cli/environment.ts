/** What a command reads from the process it runs in, read once by main.ts and passed down as data. */
export interface Environment {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: number;
}

export function environment(): Environment {
  return { cwd: process.cwd(), env: process.env, now: Date.now() };
}
