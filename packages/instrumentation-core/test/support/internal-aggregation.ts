// Imported first by the *.internal.test.ts files: the suite they import then runs with aggregation 'internal'.
import { setDefaultAggregation } from './metrics-harness.js';

setDefaultAggregation('internal');
