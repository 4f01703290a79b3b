import { REPORT_ACCESS, REPORT_NAMES, reportCsv, zReportQuery, zReportResult, zReportRowsResult } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { reportReads } from './reads';
import { REPORTS, reportRows, runReport } from './registry';

/** `GET /api/reports/{name}` (JSON, or CSV with `Accept: text/csv`) and its drill-down `…/rows`, for each report. */
export function reportRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['reports'];

  for (const name of REPORT_NAMES) {
    const report = REPORTS[name];
    app.get(
      `/api/reports/${name}`,
      {
        config: { access: REPORT_ACCESS[name] },
        schema: {
          tags,
          summary: `${report.summary}. \`from\`/\`to\` are the clinic’s local dates (inclusive); \`Accept: text/csv\` answers CSV.`,
          querystring: zReportQuery,
          response: { 200: zReportResult, ...errorResponses },
        },
      },
      async (request, reply) => {
        const csv = request.headers.accept?.includes('text/csv') === true;
        const result = await runReport(
          db,
          requireCtx(request),
          name,
          request.query,
          csv ? 'csv' : 'json',
          reportReads(deps, request.log),
        );
        if (!csv) return result;
        const filename = `${name}-${result.from}-to-${result.to}.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .send(reportCsv(result) as never); // text: not serialized by the JSON response schema
      },
    );
    app.get(
      `/api/reports/${name}/rows`,
      {
        config: { access: REPORT_ACCESS[name] },
        schema: {
          tags,
          summary: `The ${name} behind one figure of the report: the figure’s column names its \`metric\` (each patient listed is audited)`,
          querystring: report.rowsQuery,
          response: { 200: zReportRowsResult, ...errorResponses },
        },
      },
      async (request) => reportRows(db, requireCtx(request), name, request.query, reportReads(deps, request.log)),
    );
  }
}
