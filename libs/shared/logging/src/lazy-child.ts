import type { Logger } from 'pino';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/**
 * `parent.child(bindings)`, made only when a line is actually written through it. pino serialises (and
 * redacts) a child's bindings when the child is made, which costs more than handling a small Kafka
 * message; most messages log nothing at the configured level, so their child would never be used.
 *
 * A call of a disabled level is answered by the parent (a no-op there too) without making the child;
 * anything else (an enabled level, `child`, `bindings`, `level`, …) makes it once and goes to it, so
 * the lines written carry exactly the bindings an eager child would give them.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const made = (): Logger => (child ??= parent.child(bindings));
  return new Proxy(parent, {
    get(target, property) {
      if (!child && typeof property === 'string' && LEVELS.has(property) && !target.isLevelEnabled(property)) return noop;
      const logger = made();
      const value: unknown = Reflect.get(logger, property, logger);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(logger) : value;
    },
    set(_target, property, value) {
      return Reflect.set(made(), property, value);
    },
  });
}

function noop(): void {
  // a disabled level writes nothing
}
