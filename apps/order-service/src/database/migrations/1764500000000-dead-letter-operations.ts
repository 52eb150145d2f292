import { DeadLetterOperationsMigration } from '@order-saga/shared/messaging';

/** Dead letters' status for the operators' redrive and discard, and the operator action table; the statements are the messaging library's. */
export class DeadLetterOperations1764500000000 extends DeadLetterOperationsMigration {}
