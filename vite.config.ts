import { defineConfig } from 'vite';
import { minifyLitTemplates } from './scripts/minify-lit-templates.js';
import { widgetEntries } from './widgets/registry.js';

/**
 * Two library builds into dist/:
 * - default: the ES loader (kit.js) and one ES entry per widget (lx-<name>.js), sharing Lit
 *   and the widget base through hashed chunks in dist/chunks/.
 * - `--mode classic`: the same loader as a classic script (kit.classic.js) for pages that
 *   cannot use modules; it still fetches the ES widget entries with dynamic import().
 */
export default defineConfig(({ mode }) => {
  const classic = mode === 'classic';
  const entries: Record<string, string> = classic
    ? { 'kit.classic': 'widgets/loader/kit.ts' }
    : { kit: 'widgets/loader/kit.ts', ...widgetEntries };
  return {
    plugins: [minifyLitTemplates()],
    define: { __LX_CLASSIC__: JSON.stringify(classic) },
    build: {
      outDir: 'dist',
      emptyOutDir: !classic,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      reportCompressedSize: false,
      lib: {
        entry: entries,
        formats: [classic ? 'iife' : 'es'],
        name: 'LiberationKitLoader',
        fileName: (_format, name) => `${name}.js`,
      },
      rolldownOptions: {
        output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
      },
    },
  };
});
