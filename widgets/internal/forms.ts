/** A text field's value from submitted form data; a file or a missing field gives `fallback`. */
export function formText(data: FormData, name: string, fallback = ''): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : fallback;
}
