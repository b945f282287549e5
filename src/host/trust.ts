// Workspace trust (package.json capabilities.untrustedWorkspaces = "limited"): traces already in a
// notebook render anywhere (the renderer only draws data); running a model from the workspace
// executes a file someone else may have put there, so it needs trust. The rule has no vscode import
// (callers pass the workspace's state and a way to ask), which keeps it testable without VS Code.

export interface TrustApi {
  readonly isTrusted: boolean;
  /** Asks the user to trust the workspace; resolves true when the workspace became trusted. */
  ask(message: string): Thenable<boolean>;
}

export class TrustRequiredError extends Error {
  override name = 'TrustRequiredError';
}

/** Resolves when the workspace is trusted (asking once); throws TrustRequiredError otherwise. */
export async function ensureTrusted(api: TrustApi, what: string): Promise<void> {
  if (api.isTrusted) return;
  const granted = await api.ask(`Gatescope needs a trusted workspace to run ${what}. Traces already saved in notebooks render without trust.`);
  if (!granted) {
    throw new TrustRequiredError(`Running ${what} needs a trusted workspace. Trust it (command "Workspaces: Manage Workspace Trust") and run again.`);
  }
}
