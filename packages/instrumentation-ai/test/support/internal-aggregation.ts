// Imported first by the *.internal.test.ts files: the suite they import then runs with aggregation 'internal'.
import { setDefaultAggregation } from './harness.js';

setDefaultAggregation('internal');
