/**
 * English copy of the theme editor's shell: what it says before the editing tools load. The
 * rest is in workbench.messages.ts, loaded with the tools. A locale catalog or the license's
 * white-label copy overrides any key.
 */
export const editorShellMessages = {
  'editor.title': 'Theme editor',
  'editor.signin': 'Sign in as an administrator to edit the theme.',
  'editor.forbidden': 'Your account cannot edit this theme. Ask an administrator for access.',
} as const;
