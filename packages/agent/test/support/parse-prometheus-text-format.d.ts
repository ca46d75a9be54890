declare module 'parse-prometheus-text-format' {
  /** One family of the exposition text (gauges and counters: `value` is the sample as text). */
  interface MetricFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'GAUGE' | 'COUNTER' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    readonly metrics: readonly { readonly value: string; readonly labels?: Readonly<Record<string, string>> }[];
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
