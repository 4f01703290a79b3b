import {
  AppError,
  zApiToken,
  zLocation,
  zLocationCreate,
  zLocationPatch,
  zProvider,
  zProviderCreate,
  zProviderPatch,
  zTokenCreate,
  zUser,
  zUserCreate,
  zUserPatch,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resetMfa } from '../auth/mfa';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/service';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import {
  createLocation,
  createProvider,
  createUser,
  listLocations,
  listProviders,
  listUsers,
  updateLocation,
  updateProvider,
  updateUser,
} from './service';

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export function adminRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  // ---- Staff accounts
  app.get(
    '/api/users',
    {
      config: { access: 'user.read' },
      schema: { tags: ['staff'], summary: 'Staff accounts', response: { 200: list(zUser), ...errorResponses } },
    },
    async (request) => ({ items: await listUsers(db, requireCtx(request)) }),
  );
  app.post(
    '/api/users',
    {
      config: { access: 'user.manage' },
      schema: {
        tags: ['staff'],
        summary: 'Create a staff account',
        body: zUserCreate,
        response: { 201: zUser, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createUser(db, requireCtx(request), request.body)),
  );
  app.patch(
    '/api/users/:id',
    {
      config: { access: 'user.manage' },
      schema: {
        tags: ['staff'],
        summary: 'Change name or role, reset the password, deactivate or reactivate (accounts are never deleted)',
        params: zIdParams,
        body: zUserPatch,
        response: { 200: zUser, ...errorResponses },
      },
    },
    async (request) => updateUser(db, requireCtx(request), request.params.id, request.body),
  );

  app.post(
    '/api/users/:id/mfa/reset',
    {
      config: { access: 'user.manage' },
      schema: {
        tags: ['staff'],
        summary: 'Reset a person’s two-step sign-in (a lost phone): clears it and ends their sessions',
        params: zIdParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await resetMfa(db, requireCtx(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- Providers
  app.get(
    '/api/providers',
    {
      config: { access: 'provider.read' },
      schema: { tags: ['providers'], summary: 'Providers', response: { 200: list(zProvider), ...errorResponses } },
    },
    async (request) => ({ items: await listProviders(db, requireCtx(request)) }),
  );
  app.post(
    '/api/providers',
    {
      config: { access: 'provider.manage' },
      schema: {
        tags: ['providers'],
        summary: 'Add a provider',
        body: zProviderCreate,
        response: { 201: zProvider, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createProvider(db, requireCtx(request), request.body)),
  );
  app.patch(
    '/api/providers/:id',
    {
      config: { access: 'provider.manage' },
      schema: {
        tags: ['providers'],
        summary: 'Change a provider',
        params: zIdParams,
        body: zProviderPatch,
        response: { 200: zProvider, ...errorResponses },
      },
    },
    async (request) => updateProvider(db, requireCtx(request), request.params.id, request.body),
  );

  // ---- Locations
  app.get(
    '/api/locations',
    {
      config: { access: 'location.read' },
      schema: { tags: ['locations'], summary: 'Locations', response: { 200: list(zLocation), ...errorResponses } },
    },
    async (request) => ({ items: await listLocations(db, requireCtx(request)) }),
  );
  app.post(
    '/api/locations',
    {
      config: { access: 'location.manage' },
      schema: {
        tags: ['locations'],
        summary: 'Add a location',
        body: zLocationCreate,
        response: { 201: zLocation, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createLocation(db, requireCtx(request), request.body)),
  );
  app.patch(
    '/api/locations/:id',
    {
      config: { access: 'location.manage' },
      schema: {
        tags: ['locations'],
        summary: 'Change a location',
        params: zIdParams,
        body: zLocationPatch,
        response: { 200: zLocation, ...errorResponses },
      },
    },
    async (request) => updateLocation(db, requireCtx(request), request.params.id, request.body),
  );

  // ---- API tokens
  app.get(
    '/api/tokens',
    {
      config: { access: 'token.manage' },
      schema: {
        tags: ['tokens'],
        summary: 'Personal API tokens',
        response: { 200: list(zApiToken), ...errorResponses },
      },
    },
    async (request) => ({ items: await listApiTokens(db, requireCtx(request)) }),
  );
  app.post(
    '/api/tokens',
    {
      config: { access: 'token.manage' },
      schema: {
        tags: ['tokens'],
        summary:
          'Create a personal API token acting as you (tokens for others: `tend token create` on the server); the token is shown once',
        // `userId` is accepted only as your own, so a script written for the older API is refused clearly.
        body: zTokenCreate.extend({ userId: z.uuid().optional() }),
        response: { 201: z.object({ id: z.string(), token: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const ctx = requireCtx(request);
      const { userId, ...input } = request.body;
      if (userId !== undefined && userId !== ctx.userId) {
        throw AppError.validation([
          {
            path: 'userId',
            message:
              'An API token acts as the person who creates it. That person creates it, or the server’s operator runs `tend token create --email …`.',
          },
        ]);
      }
      return reply.status(201).send(await createApiToken(db, ctx, input));
    },
  );
  app.delete(
    '/api/tokens/:id',
    {
      config: { access: 'token.manage' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: zIdParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await revokeApiToken(db, requireCtx(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
