// The worker thread's entry: worker threads do not inherit tsx's hooks, so this registers them and then loads
// the TypeScript worker (bench/floatScanWorker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./floatScanWorker.ts');
