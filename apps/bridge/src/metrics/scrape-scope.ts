/**
 * A scrape cut down to the VMs a caller may see: every sample line whose `vm` label names another VM is left out;
 * lines of no VM (WebSocket clients) and the `# HELP` / `# TYPE` lines stay, so every family is still declared.
 * prom-client writes the exposition; this only reads its label sets. In the text format a label value escapes
 * `\`, `"` and newlines, so `vm="` can only start a real `vm` label (inside a value the quote would be `\"`).
 */

const VM_LABEL = /[{,]vm="((?:[^"\\]|\\.)*)"/;

export function keepVms(exposition: string, sees: (vm: string) => boolean): string {
  const kept: string[] = [];
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) {
      kept.push(line);
      continue;
    }
    const match = VM_LABEL.exec(line);
    if (match === null || sees(unescapeLabel(match[1] as string))) kept.push(line);
  }
  return kept.join('\n');
}

export function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}
