/**
 * The arithmetic of the overview's two charts, kept apart from the SVG so it is tested without a browser:
 * a linear scale, round tick values, stacked bars per minute, and line paths with gaps where there is no value.
 */

export interface Box {
  width: number;
  height: number;
  /** Room for the axes' labels. */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

/** Maps [0, max] onto [bottom, top] of the plot (SVG y grows downwards). */
export function yScale(max: number, box: Box): (value: number) => number {
  const plot = box.height - box.top - box.bottom;
  return (value) => box.height - box.bottom - (max > 0 ? (value / max) * plot : 0);
}

/**
 * About `count` round values from 0 to at least `max` (1, 2, 2.5 or 5 times a power of ten apart); with
 * `integers`, whole steps only (counts of sagas).
 */
export function niceTicks(max: number, count = 4, integers = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const candidates = [1, 2, 2.5, 5, 10].map((factor) => factor * power).filter((candidate) => !integers || (candidate >= 1 && Number.isInteger(candidate)));
  const step = candidates.find((candidate) => candidate >= raw) ?? (integers ? Math.max(1, Math.ceil(raw)) : 10 * power);
  const ticks: number[] = [];
  for (let value = 0; value < max + step - 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

export interface StackedBar<K extends string> {
  key: K;
  /** Index of the column (minute). */
  column: number;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One column per entry, its values of `keys` stacked bottom-up in that order; zero values draw nothing. The
 * scale's top is the highest column's total rounded up to a tick.
 */
export function stackedBars<K extends string>(
  columns: readonly Record<K, number>[],
  keys: readonly K[],
  box: Box,
): { bars: StackedBar<K>[]; ticks: number[]; columnWidth: number } {
  const totals = columns.map((column) => keys.reduce((sum, key) => sum + column[key], 0));
  const ticks = niceTicks(Math.max(0, ...totals), 4, true);
  const y = yScale(ticks[ticks.length - 1], box);
  const columnWidth = (box.width - box.left - box.right) / Math.max(columns.length, 1);
  const gap = Math.min(2, columnWidth * 0.2);
  const bars: StackedBar<K>[] = [];
  columns.forEach((column, index) => {
    let base = 0;
    for (const key of keys) {
      const value = column[key];
      if (value <= 0) continue;
      const top = y(base + value);
      bars.push({ key, column: index, value, x: box.left + index * columnWidth + gap / 2, y: top, width: columnWidth - gap, height: y(base) - top });
      base += value;
    }
  });
  return { bars, ticks, columnWidth };
}

/**
 * An SVG path through the points of a series at the columns' centres; a null value breaks the line (no saga
 * ended that minute), and a value with no neighbour is drawn as a dot-long segment so it stays visible.
 */
export function linePath(values: readonly (number | null)[], max: number, box: Box): string {
  const y = yScale(max, box);
  const columnWidth = (box.width - box.left - box.right) / Math.max(values.length, 1);
  const x = (index: number) => box.left + (index + 0.5) * columnWidth;
  const parts: string[] = [];
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null) {
      drawing = false;
      return;
    }
    const point = `${round(x(index))} ${round(y(value))}`;
    const alone = !drawing && (index + 1 >= values.length || values[index + 1] === null);
    parts.push(drawing ? `L${point}` : alone ? `M${point} h0.01` : `M${point}`);
    drawing = true;
  });
  return parts.join(' ');
}

/** The points of a series at the columns' centres, null values left out: dots, so a lone minute shows. */
export function linePoints(values: readonly (number | null)[], max: number, box: Box): { index: number; x: number; y: number }[] {
  const y = yScale(max, box);
  const columnWidth = (box.width - box.left - box.right) / Math.max(values.length, 1);
  return values.flatMap((value, index) => (value === null ? [] : [{ index, x: round(box.left + (index + 0.5) * columnWidth), y: round(y(value)) }]));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
