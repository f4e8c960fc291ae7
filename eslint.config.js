// Lint rules, including the architecture: the domain core is pure (no I/O, no clock, no
// environment) and imports nothing from the application or adapter layers; the application
// layer talks to the outside only through ports and never imports adapters.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = [
  'fs',
  'fs/promises',
  'path',
  'os',
  'http',
  'https',
  'net',
  'child_process',
  'crypto',
  'stream',
  'worker_threads',
  'process',
  'url',
  'dns',
  'tls',
  'zlib',
  'readline',
];

export const domainRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      paths: nodeBuiltins.map((name) => ({
        name,
        message: 'The domain core is pure: no I/O. Take data as arguments.',
      })),
      patterns: [
        { group: ['node:*'], message: 'The domain core is pure: no Node built-ins.' },
        {
          group: ['**/app/**', '**/adapters/**'],
          message: 'The domain core must not import from app/ or adapters/.',
        },
        {
          group: [
            'pg',
            'pg-*',
            '@electric-sql/*',
            'kysely',
            'fastify',
            '@fastify/*',
            'commander',
            'csv-parse',
            'csv-parse/*',
          ],
          message: 'The domain core must not depend on I/O libraries.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'No environment in the domain: pass configuration in.' },
    { name: 'fetch', message: 'No I/O in the domain.' },
    { name: 'setTimeout', message: 'No timers in the domain.' },
  ],
  'no-restricted-properties': [
    'error',
    {
      object: 'Date',
      property: 'now',
      message: 'No hidden clock in the domain: take the time as an argument.',
    },
    {
      object: 'Math',
      property: 'random',
      message: 'No hidden randomness in the domain: take a seeded generator.',
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'No hidden clock in the domain: take the time as an argument.',
    },
  ],
};

export const appRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['**/adapters/**'],
          message: 'Use cases reach the outside through ports, never adapters.',
        },
        {
          group: ['pg', 'pg-*', '@electric-sql/*', 'fastify', '@fastify/*', 'commander'],
          message: 'Use cases reach the outside through ports.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.recoup/**',
      '.bench/**',
      '.scratch/**',
      'coverage/**',
      'web/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: domainRestrictions,
  },
  { files: ['src/app/**/*.ts'], ignores: ['src/app/**/*.test.ts'], rules: appRestrictions },
  // The web console runs in the browser: the rules of hooks, browser globals, and only the
  // server's pure rules (domain) may be shared with it, never the server's adapters.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        localStorage: 'readonly',
        navigator: 'readonly',
        fetch: 'readonly',
        EventSource: 'readonly',
        ResizeObserver: 'readonly',
        URLSearchParams: 'readonly',
        addEventListener: 'readonly',
        removeEventListener: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        HTMLElement: 'readonly',
        HTMLDivElement: 'readonly',
        Response: 'readonly',
        Blob: 'readonly',
        print: 'readonly',
      },
    },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/app/**', '**/src/adapters/**'],
              message: 'The console shares only the pure domain with the server.',
            },
          ],
        },
      ],
    },
  },
);
