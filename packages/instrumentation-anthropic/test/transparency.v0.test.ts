import { transparencySuite } from './support/transparency.js';

transparencySuite('v0');
