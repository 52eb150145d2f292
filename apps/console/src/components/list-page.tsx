import type { ComponentChildren } from 'preact';
import { hrefOf } from '../routing/routes';
import { Link } from '../routing/router';
import type { DraftControl } from './use-draft';

/*
 * The pieces of the console's list pages (sagas, dead letters, webhooks, audit log): the filters live in the
 * URL's query, the filter form applies them there (useFilterDraft), and the pager follows the API's cursor.
 */

/** A list page's filters as its URL has them, '' where one is absent. */
export function filtersOf<K extends string>(query: URLSearchParams, names: readonly K[]): Record<K, string> {
  return Object.fromEntries(names.map((name) => [name, query.get(name) ?? ''])) as Record<K, string>;
}

/** How many rows one page of a list has, `25+` when the API has more. */
export function countOf(page: { data: unknown[]; pagination: { has_more: boolean } }): string {
  return `${page.data.length}${page.pagination.has_more ? '+' : ''}`;
}

/** A list's filter form: its fields, then the Apply button (and Clear, a link to the unfiltered list, where given). */
export function FilterForm({
  label,
  onSubmit,
  clearHref,
  children,
}: {
  label: string;
  onSubmit: (event: Event) => void;
  clearHref?: string;
  children: ComponentChildren;
}) {
  return (
    <form class="card filters" aria-label={label} onSubmit={onSubmit}>
      {children}
      <div class="field field-buttons">
        <button type="submit" class="button button-primary">
          Apply filters
        </button>
        {clearHref ? (
          <Link class="button" href={clearHref}>
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}

/** One labelled field of a form; `children` is its control, whose id is `id`. */
export function Field({ id, label, children }: { id: string; label: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}

/** A free-text filter (an id, a name): `control` is the draft's input(name). */
export function TextField({ id, label, control }: { id: string; label: string; control: DraftControl }) {
  return (
    <Field id={id} label={label}>
      <input id={id} {...control} autocomplete="off" />
    </Field>
  );
}

/** A filter chosen from `options`: `control` is the draft's select(name). */
export function SelectField({
  id,
  label,
  control,
  options,
}: {
  id: string;
  label: string;
  control: DraftControl;
  options: { value: string; label: string }[];
}) {
  return (
    <Field id={id} label={label}>
      <select id={id} {...control}>
        <Options options={options} />
      </select>
    </Field>
  );
}

/** A select's options, each with its value and what the operator reads. */
export function Options({ options }: { options: { value: string; label: string }[] }) {
  return (
    <>
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </>
  );
}

/** The same value as each option's label. */
export function optionsOf(values: readonly string[]): { value: string; label: string }[] {
  return values.map((value) => ({ value, label: value }));
}

/**
 * A list's pages: back to the first one when the page shown is a later one (it has a `cursor`), and on to the
 * next through the cursor the API answered with, the filters kept.
 */
export function Pager({
  path,
  filters,
  cursor,
  nextCursor,
  first = 'Newest',
  next = 'Older',
}: {
  path: string;
  filters: Record<string, string | undefined>;
  cursor: string | undefined;
  nextCursor: string | null | undefined;
  first?: string;
  next?: string;
}) {
  return (
    <nav class="pager" aria-label="Pages">
      {cursor ? (
        <Link class="button" href={hrefOf(path, filters)}>
          {first}
        </Link>
      ) : null}
      {nextCursor ? (
        <Link class="button" href={hrefOf(path, { ...filters, cursor: nextCursor })}>
          {next}
        </Link>
      ) : null}
    </nav>
  );
}
