/** Injection token of the process' kafkajs client. */
export const KAFKA = Symbol('KAFKA');
