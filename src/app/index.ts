/**
 * The shiplog GitHub App (Probot): each capability registers its own handlers, so new ones
 * (deployment protection, break-glass overrides, ledger watch) slot in beside the approval gate.
 */
import type { Probot } from 'probot';
import { registerApprovalGate } from './handlers/approval-gate.ts';

export default function shiplogApp(app: Probot): void {
  registerApprovalGate(app);
}

export { shiplogApp };
