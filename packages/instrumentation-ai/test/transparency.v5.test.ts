// The differential suite on ai 5.x (see support/transparency.ts).
import { transparencySuite } from './support/transparency.js';

transparencySuite(5);
