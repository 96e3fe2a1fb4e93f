import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build:web` writes web/dist, which the Tandem server serves at `/`.
// `npm run dev:web` serves the app with hot reload and sends API calls to a
// Tandem server on :3000 (start it with `npm start`).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The largest production chunk is the charts' (~420 kB). A build under
    // NODE_ENV=test (the browser tests') bundles React's development build,
    // which makes the vendor chunk ~570 kB.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // Every page is loaded on demand (see the areas' routes.tsx); the
        // libraries every page needs stay in one chunk that changes only when
        // they are upgraded, so a new release of the app reuses the cached one.
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|@tanstack|openapi-fetch)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/v1': 'http://127.0.0.1:3000', '/outbox': 'http://127.0.0.1:3000' },
  },
});
