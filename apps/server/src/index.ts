export { loadConfig, type Config } from './config';
export { buildApp } from './http/app';
export { startServer } from './server';
