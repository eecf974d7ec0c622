// A failing call that is never awaited raises the same unhandled rejection with and without the
// instrumentation, and is still recorded (fixtures/unhandled-app.cjs).
import { fileURLToPath } from 'node:url';
import { unhandledRejectionSuite } from '../../instrumentation-core/test/support/unhandled.js';

unhandledRejectionSuite(fileURLToPath(new URL('fixtures', import.meta.url)), 'unhandledRejection BadRequestError: 400 boom');
