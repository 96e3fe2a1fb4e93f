import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build:web` writes web/dist, which the Tandem server serves at `/`.
// `npm run dev:web` serves the app with hot reload and sends API calls to a
// Tandem server on :3000 (start it with `npm start`).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: {
    port: 5173,
    proxy: { '/v1': 'http://127.0.0.1:3000', '/outbox': 'http://127.0.0.1:3000' },
  },
});
