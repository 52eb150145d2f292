import type { OperatorSessionResponseDto } from '@order-saga/contracts/http/operator';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { OperatorApi } from '../api/operator-api';

export interface ConsoleContextValue {
  api: OperatorApi;
  session: OperatorSessionResponseDto;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

/** The operator API and the signed-in session, for a page below the signed-in layout. */
export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}
