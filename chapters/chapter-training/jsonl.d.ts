// A training log (weights/logs/*.jsonl) imported as its text: `with { type: 'text' }` makes esbuild
// inline the file's contents at build time (learning-curves.ts).
declare module '*.jsonl' {
  const text: string;
  export default text;
}
