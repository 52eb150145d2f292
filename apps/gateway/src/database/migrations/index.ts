import { InitialSchema1763700000000 } from './1763700000000-initial-schema';

/** Shared by the app and the register-client CLI, which migrates a fresh database before its first insert. */
export const GATEWAY_MIGRATIONS = [InitialSchema1763700000000];
