import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The Tend server serves `dist` and the API under /api; in development Vite proxies /api to it.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
