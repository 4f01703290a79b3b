export { type Config, loadConfig } from './config';
export { buildApp } from './http/app';
export { startServer } from './server';
