import type { SagaState } from '@order-saga/contracts/http';

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

/** A moment in the browser's time zone: `14:03:07` today, `2026-11-20 14:03` before; the ISO form goes in a title. */
export function formatTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time.slice(0, 5)}`;
}

/** `14:03:07.125`: the timeline's entries are milliseconds apart. */
export function formatClock(at: number): string {
  const date = new Date(at);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** How long ago: `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`; `in 20 s` for a moment still ahead (a deadline). */
export function formatAge(iso: string, now: number = Date.now()): string {
  const ms = now - Date.parse(iso);
  const ahead = ms < 0;
  const seconds = Math.round(Math.abs(ms) / 1000);
  const text =
    seconds < 60
      ? `${seconds} s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)} min`
        : seconds < 86_400
          ? `${Math.floor(seconds / 3600)} h`
          : `${Math.floor(seconds / 86_400)} d`;
  return ahead ? `in ${text}` : `${text} ago`;
}

/**
 * A share from 0 to 1 as a percentage with one decimal (`97.5%`), `—` when there is none. Only exactly 1 reads
 * 100% and only exactly 0 reads 0%: one failed webhook in ten thousand must not round away.
 */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  if (rate === 0 || rate === 1) return `${rate * 100}%`;
  return `${Math.min(99.9, Math.max(0.1, Math.round(rate * 1000) / 10)).toFixed(1)}%`;
}

export function formatCents(cents: number | null, currency = 'USD'): string {
  return cents === null ? '—' : `${(cents / 100).toFixed(2)} ${currency}`;
}

export type Tone = 'running' | 'compensating' | 'good' | 'failed' | 'cancelled';

export function toneOfState(state: SagaState): Tone {
  switch (state) {
    case 'RESERVING_STOCK':
    case 'PROCESSING_PAYMENT':
      return 'running';
    case 'REFUNDING_PAYMENT':
    case 'RELEASING_STOCK':
      return 'compensating';
    case 'CONFIRMED':
      return 'good';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed';
  }
}

/** Every saga state, in the saga's order; `satisfies` fails the type check when the contract gains or loses one. */
const STATES = {
  RESERVING_STOCK: true,
  PROCESSING_PAYMENT: true,
  REFUNDING_PAYMENT: true,
  RELEASING_STOCK: true,
  CONFIRMED: true,
  REJECTED: true,
  COMPENSATED: true,
  TIMED_OUT: true,
  CANCELLED: true,
} satisfies Record<SagaState, true>;
export const SAGA_STATES = Object.keys(STATES) as SagaState[];

export const OPEN_STATES: readonly SagaState[] = ['RESERVING_STOCK', 'PROCESSING_PAYMENT', 'REFUNDING_PAYMENT', 'RELEASING_STOCK'];

export function isOpen(state: SagaState): boolean {
  return OPEN_STATES.includes(state);
}
