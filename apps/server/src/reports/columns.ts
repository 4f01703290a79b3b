import { type ReportRowsColumnDefinition, t } from '@tend/domain';

/** A drill-down's columns as the response carries them: labels in the clinic's language. */
export function rowsColumns(columns: readonly ReportRowsColumnDefinition[]) {
  return columns.map((column) => ({ ...column, label: t(column.label) }));
}
