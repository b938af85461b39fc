/** Reading the bridge's Prometheus exposition (`GET /metrics`) in tests. */

/** The value of one sample line (`name{labels}` exactly as exposed), or undefined when there is none. */
export function exposedValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
