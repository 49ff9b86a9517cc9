/** English copy the theme editor shows before its editing tools have loaded. */
export const editorShellMessages = {
  'editor.title': 'Theme editor',
  'editor.signin': 'Sign in as an administrator to edit the theme.',
  'editor.forbidden': 'Your account cannot edit this theme. Ask an administrator for access.',
} as const;

export type EditorShellKey = keyof typeof editorShellMessages;
