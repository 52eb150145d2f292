import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { ClientRateLimitTier1763800000000 } from './1763800000000-client-rate-limit-tier';
import { OperatorAccess1764500000000 } from './1764500000000-operator-access';

/** Shared by the app and the register-client and operators CLIs, which migrate a fresh database before their first insert. */
export const GATEWAY_MIGRATIONS = [InitialSchema1763700000000, ClientRateLimitTier1763800000000, OperatorAccess1764500000000];
