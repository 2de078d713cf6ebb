declare module '@npmcli/agent' {
  import type { Agent as HttpAgent, ClientRequest } from 'node:http';
  export class Agent extends HttpAgent {
    constructor(options?: Record<string, unknown>);
    addRequest(req: ClientRequest, options: unknown): void;
  }
}
