import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The dev server forwards /api (HTTP and the WebSocket) to a bridge started by hand;
// QMPDECK_BRIDGE overrides where that bridge listens.
const bridge = process.env.QMPDECK_BRIDGE ?? 'http://127.0.0.1:18080';

/**
 * noVNC 1.7 awaits a WebCodecs H.264 probe at the top level of `core/util/browser.js`. A top-level await in the
 * graph stops rolldown (1.2) from keeping the modules the first page shares with lazy chunks in its own chunk:
 * the first visit then loads 8 files and 3.5 KB more (gzip) for a viewer it does not show. The probe only decides
 * whether noVNC offers H.264, which QEMU's VNC server never sends, so here it runs without holding the module
 * up. The build fails if the line is gone (a newer noVNC), so this never stops applying unnoticed.
 */
function novncWithoutTopLevelAwait(): Plugin {
  const awaited = 'supportsWebCodecsH264Decode = await _checkWebCodecsH264DecodeSupport();';
  return {
    name: 'qmpdeck:novnc-without-top-level-await',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith('/@novnc/novnc/core/util/browser.js')) return null;
      if (!code.includes(awaited)) {
        this.error(
          'noVNC changed: core/util/browser.js no longer awaits its H.264 probe; review this plugin',
        );
      }
      return code.replace(
        awaited,
        '_checkWebCodecsH264DecodeSupport().then((supported) => { supportsWebCodecsH264Decode = supported; });',
      );
    },
  };
}

export default defineConfig({
  plugins: [react(), tailwindcss(), novncWithoutTopLevelAwait()],
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: bridge, ws: true, changeOrigin: false } },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
