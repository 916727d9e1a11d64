// The validation worker when the server runs from its TypeScript sources (tests, `tsx src/main.ts`):
// the compiled server starts dist/validation/validationWorker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./validationWorker.ts');
