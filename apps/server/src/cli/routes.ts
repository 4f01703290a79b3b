import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../http/deps';
import { REMOTE_COMMANDS, runCommand } from './commands';

export const CLI_SECRET_HEADER = 'x-tend-cli-secret';

/** Equal-length digests, so the comparison takes the same time whatever was sent. */
const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * On the embedded database only the server may open the data folder, so the command line hands
 * its command to the running server. Only from this machine, with the secret from the data folder.
 */
export function cliRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/internal/cli',
    {
      config: { access: 'local-cli' },
      schema: { hide: true, body: z.object({ args: z.array(z.string().max(500)).max(20) }) },
    },
    async (request) => {
      const presented = request.headers[CLI_SECRET_HEADER];
      const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '');
      const ok =
        deps.cliSecret !== null &&
        loopback &&
        typeof presented === 'string' &&
        timingSafeEqual(digest(presented), digest(deps.cliSecret));
      if (!ok) throw AppError.forbidden('Only the Tend command line on this machine may use this route.');
      if (!REMOTE_COMMANDS.has(request.body.args[0] ?? '')) {
        throw AppError.validation([], `"${request.body.args[0]}" cannot run while the server is running.`);
      }
      return { output: await runCommand(deps.database, request.body.args, deps.config) };
    },
  );
}
