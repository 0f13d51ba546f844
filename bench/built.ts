/**
 * The engine as users run it: the compiled `dist/` build (`npm run bench` builds first), not tsx's on-the-fly
 * transpile of `src/`, whose keep-names wrappers around every inner function cost about a tenth of the fill path.
 * Typed as the source module, which the build is compiled from.
 */
export const built = (await import(
  new URL('../dist/index.js', import.meta.url).href
)) as typeof import('../src/index.js');
