import type { ComponentChildren } from 'preact';

/** One column of a DataTable: its heading and what each row shows under it. */
export interface Column<T> {
  heading: string;
  cell: (row: T) => ComponentChildren;
}

/**
 * Records as a plain table, one row each, with the columns given. The caption is for screen readers only: the
 * section around the table names it for everyone.
 */
export function DataTable<T>({ caption, columns, rows, rowKey }: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string }) {
  return (
    <table>
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.heading} scope="col">
              {column.heading}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column) => (
              <td key={column.heading}>{column.cell(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
