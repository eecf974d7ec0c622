import { transparencySuite } from './support/transparency.js';

transparencySuite(5);
