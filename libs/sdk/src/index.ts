export * from './order-saga.client';
export * from './token-provider';
export * from './retry-policy';
export * from './errors';
export * from './types';
// One implementation of signature checks for receivers, the platform's own demo receiver included.
export { verifyWebhook, DEFAULT_TOLERANCE_SECONDS } from '@order-saga/webhooks';
export type { VerifyWebhookOptions, VerifyWebhookResult, WebhookHeaders } from '@order-saga/webhooks';
