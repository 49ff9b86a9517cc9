import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Widgets may import from server/ only the module contracts, and only their types. */
const widgetBoundary = {
  patterns: [
    {
      regex: '(^|/)server/(?!modules/[a-z-]+/contract\\.js$)',
      message:
        'Widgets import nothing from server/ but module contracts (server/modules/<m>/contract.ts).',
    },
    {
      regex: '(^|/)server/modules/[a-z-]+/contract\\.js$',
      allowTypeImports: true,
      message: 'Import a contract with `import type`: widgets must not bundle server code.',
    },
    { regex: '(^|/)demo/', message: 'Widgets never import the demo.' },
  ],
};

/** The server never imports the demo, and reads widget copy only from widgets/messages/. */
const serverBoundary = {
  patterns: [
    { regex: '(^|/)demo/', message: 'demo → server → server/lib: the server never imports demo/.' },
    {
      regex: '(^|/)widgets/(?!messages/)',
      message: 'The server reads only the data-only message catalogs in widgets/messages/.',
    },
  ],
};

/** server/lib is the bottom layer: it imports no module and no app wiring. */
const libBoundary = {
  patterns: [
    ...serverBoundary.patterns,
    { regex: '(^|/)modules/', message: 'server/lib must not depend on modules.' },
    {
      regex: '^\\.\\./(app|services|start|main|router)\\.js$',
      message: 'server/lib must not depend on the app wiring.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['widgets/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', widgetBoundary] },
  },
  {
    files: ['server/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', serverBoundary] },
  },
  {
    // One code path for both stores: modules query through server/db (kit, store), never a
    // dialect's own builders, and await queries instead of SQLite's synchronous finishers.
    files: ['server/modules/**/*.ts', 'server/middleware/**/*.ts', 'server/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...serverBoundary.patterns,
            {
              regex:
                '^(better-sqlite3|drizzle-orm/(sqlite-core|pg-core|better-sqlite3|node-postgres).*|pg)$',
              message:
                'Modules use server/db/kit.ts and server/db/store.ts, which serve both stores.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[arguments.length=0] > MemberExpression.callee > Identifier.property[name=/^(get|all|run)$/]',
          message:
            'SQLite-only finisher: await the query instead (first(await q.limit(1)) for one row).',
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['server/lib/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', libBoundary] },
  },
  {
    // Lit templates and custom-element hygiene, for the widgets only.
    files: ['widgets/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  { files: ['widgets/**/*.ts'], ...wc.configs['flat/recommended'] },
  { files: ['widgets/**/*.ts'], ...wc.configs['flat/best-practice'] },
  {
    // Plain JavaScript (configs, scripts, the emulator's browser files) is not type-checked.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests read JSON answers as they come; asserting their shape is the test's job.
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fixtures implement async interfaces synchronously, and assertions take methods unbound.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
