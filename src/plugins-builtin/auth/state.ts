/**
 * What the auth plugin leaves on the request for the limit plugins: the key's own limits
 * and the budgets of its key, user and team.
 */
import { stateKey } from '../../engine/context.ts';
import type { BudgetSpec, KeyLimits } from '../../engine/stores/db/types.ts';

export interface AuthedKey {
  limits: KeyLimits;
  budget: BudgetSpec | null;
  userBudget: BudgetSpec | null;
  teamBudget: BudgetSpec | null;
}

export const AUTHED_KEY = stateKey<AuthedKey>('auth.key');
