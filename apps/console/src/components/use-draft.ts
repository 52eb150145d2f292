import { useState } from 'preact/hooks';
import { navigate } from '../routing/router';
import { hrefOf } from '../routing/routes';

/** What a draft's input(name) and select(name) spread on their control. */
export interface DraftControl {
  name: string;
  value: string;
  onInput?: (event: Event) => void;
  onChange?: (event: Event) => void;
}

/**
 * A filter form's values while the operator edits them. Controlled, so a page refresh in the middle of typing
 * (the lists poll) re-renders the form without losing what was typed; applied, they go to the URL, and the form
 * is mounted again (keyed by the URL's query) from there.
 */
export function useDraft<K extends string>(initial: Record<K, string>) {
  const [draft, setDraft] = useState(initial);
  const set = (name: K) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setDraft((previous) => ({ ...previous, [name]: value }));
  };
  return {
    draft,
    input: (name: K): DraftControl => ({ name, value: draft[name], onInput: set(name) }),
    select: (name: K): DraftControl => ({ name, value: draft[name], onChange: set(name) }),
  };
}

/** useDraft for a list's filter form, with its submit: the trimmed values become `path`'s query. */
export function useFilterDraft<K extends string>(path: string, filters: readonly K[], initial: Record<K, string>) {
  const form = useDraft(initial);
  const apply = (event: Event) => {
    event.preventDefault();
    navigate(hrefOf(path, Object.fromEntries(filters.map((name) => [name, form.draft[name].trim()]))));
  };
  return { ...form, apply };
}
