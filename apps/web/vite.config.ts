import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './build/precompress.js';

// The API server in development (npm run dev -w @virtdeck/web); in production the server serves dist/.
const apiTarget = process.env.VIRTDECK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: { conditions: ['source'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { proxy: { '/api': { target: apiTarget, ws: true } } },
});
