import { transparencySuite } from './support/transparency.js';

transparencySuite(0);
