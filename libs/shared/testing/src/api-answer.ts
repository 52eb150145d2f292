import { ApiResponse, OrderSagaApiError } from '@order-saga/sdk';

/** What the API answered to one call: status, headers and body, error answers included. */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * The answer to an SDK call (`send`) whatever its status. The SDK throws an error answer as
 * OrderSagaApiError; a test of the API's refusals reads it like any other answer. Anything else the call
 * throws (no answer at all, a token refused) is thrown on.
 */
export async function answerOf<T = Record<string, unknown>>(call: Promise<ApiResponse<unknown>>): Promise<ApiAnswer<T>> {
  try {
    const { status, headers, body } = await call;
    return { status, headers, body: (body ?? {}) as T };
  } catch (error) {
    if (!(error instanceof OrderSagaApiError)) throw error;
    return { status: error.status, headers: error.headers, body: (error.body ?? {}) as T };
  }
}
