import type { DashboardTileDefinition } from '@tend/domain';

/**
 * The manager dashboard's tiles, in order: each is one figure (`key`, a column of the report) of
 * a report in the registry (apps/server/src/reports/registry.ts), shown for this week so far
 * against the same days of last week, day by day. The dashboard runs the report itself, so a tile
 * always equals the report's figure for the same days, and links to the report and its drill-down.
 * Adding a tile for another report is one line here; `better` says which way is good ('up' when
 * left out): a rising no-show rate shows red.
 */
export const MANAGER_TILES: readonly DashboardTileDefinition[] = [
  { report: 'appointments', key: 'completed' },
  { report: 'appointments', key: 'noShowRate', better: 'down' },
  { report: 'appointments', key: 'onTimeRate' },
  { report: 'appointments', key: 'lateCancelled', better: 'down' },
  { report: 'revenue', key: 'charges' },
  { report: 'revenue', key: 'collections' },
  { report: 'utilisation', key: 'utilisation' },
];
