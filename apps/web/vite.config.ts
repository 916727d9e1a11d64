import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API server in development (npm run dev -w @virtdeck/web); in production the server serves dist/.
const apiTarget = process.env.VIRTDECK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      output: {
        // Monaco in a chunk of its own, loaded only by the editor pages (the benchmark measures the rest).
        manualChunks: (id) => (id.includes('/node_modules/monaco-editor/') ? 'monaco' : id.includes('/node_modules/@xterm/') ? 'xterm' : undefined),
      },
    },
  },
  server: { proxy: { '/api': { target: apiTarget, ws: true } } },
});
