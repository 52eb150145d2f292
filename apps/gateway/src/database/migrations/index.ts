import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { ClientRateLimitTier1763800000000 } from './1763800000000-client-rate-limit-tier';

/** Shared by the app and the register-client CLI, which migrates a fresh database before its first insert. */
export const GATEWAY_MIGRATIONS = [InitialSchema1763700000000, ClientRateLimitTier1763800000000];
