import { IDEMPOTENT_REPLAYED_HEADER } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';

/** An operator action's answer, and whether it is the first answer given again to a repeated action id. */
export interface OperatorActionAnswer<A> {
  answer: A;
  replayed: boolean;
}

/** The body to send for an operator action; a replayed answer says so in its Idempotent-Replayed header. */
export function answerOperatorAction<A>({ answer, replayed }: OperatorActionAnswer<A>, response: Response): A {
  if (replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return answer;
}
