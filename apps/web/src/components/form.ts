import type { FormErrors } from '@mantine/form';
import type { FieldError } from '@tend/domain';
import { isApiError } from '../api/client';
import { errorMessage } from './notify';

/**
 * Forms validate with the same zod schemas as the server. Form values are what the inputs hold
 * (strings); `toInput` turns them into the API body the schema describes, and the issues' paths
 * (`address.postalCode`) are the form's field paths — or are mapped with `mapPath`.
 */

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** What we need of a zod schema (structural, so the web app does not import zod itself). */
export interface SafeParser<Out> {
  safeParse(input: unknown): { success: true; data: Out } | { success: false; error: { issues: Issue[] } };
}

export type PathMapper = (path: string) => string;

/** The part of a mantine form these helpers use (any form's values type fits). */
export interface FormLike {
  getValues(): unknown;
  setErrors(errors: FormErrors): void;
  getInputNode(path: never): HTMLElement | null;
}

const identity: PathMapper = (path) => path;

export function issuesToErrors(
  issues: Array<{ path: string; message: string }>,
  mapPath: PathMapper = identity,
): FormErrors {
  const errors: FormErrors = {};
  for (const issue of issues) {
    const path = mapPath(issue.path);
    if (!(path in errors)) errors[path] = issue.message;
  }
  return errors;
}

/** A mantine-form `validate` function backed by a zod schema (plus optional extra checks). */
export function zodValidator<Values, Input, Out>(
  schema: SafeParser<Out>,
  toInput: (values: Values) => Input,
  options: { mapPath?: PathMapper; extra?: (input: Input, values: Values) => FieldError[] } = {},
): (values: Values) => FormErrors {
  return (values) => {
    const input = toInput(values);
    const result = schema.safeParse(input);
    const issues: FieldError[] = result.success
      ? []
      : result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
    if (options.extra) issues.push(...options.extra(input, values));
    return issuesToErrors(issues, options.mapPath);
  };
}

/** Parses form values with the schema; use after `form.onSubmit` validated them. */
export function parseWith<Out>(schema: SafeParser<Out>, input: unknown): Out {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error('The form was submitted with invalid values.');
  return result.data;
}

/**
 * Puts the server's field errors next to the fields. Returns the messages that belong to no
 * field of the form (to show above the buttons).
 */
export function applyServerErrors(form: FormLike, error: unknown, mapPath: PathMapper = identity): string[] {
  if (!isApiError(error) || !error.fields.length) return [];
  const values = form.getValues() as Record<string, unknown>;
  const leftovers: string[] = [];
  const errors: FormErrors = {};
  for (const field of error.fields) {
    const path = mapPath(field.path);
    if (hasPath(values, path)) errors[path] ??= field.message;
    else leftovers.push(field.message);
  }
  form.setErrors(errors);
  const first = Object.keys(errors)[0];
  if (first) focusField(form, first);
  return leftovers;
}

/**
 * After a failed save: the server's field errors go next to their fields, and what is left to
 * say above the buttons is returned (null when every message found its field).
 */
export function saveErrorMessage(form: FormLike, error: unknown, mapPath?: PathMapper): string | null {
  const leftovers = applyServerErrors(form, error, mapPath);
  if (leftovers.length) return leftovers.join(' ');
  return isApiError(error) && error.fields.length ? null : errorMessage(error);
}

function hasPath(values: Record<string, unknown>, path: string): boolean {
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !(part in current)) return false;
    current = (current as Record<string, unknown>)[part];
  }
  return true;
}

/** Moves the keyboard to a field (the first invalid one after a failed submit). */
export function focusField(form: FormLike, path: string): void {
  const node = form.getInputNode(path as never);
  if (node) node.focus();
}

/** `onSubmit`'s failure handler: focus the first invalid field. */
export function focusFirstError(form: FormLike) {
  return (errors: FormErrors) => {
    const first = Object.keys(errors)[0];
    if (first) focusField(form, first);
  };
}

/** Empty strings become null (optional text fields). */
export function orNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed ? trimmed : null;
}
