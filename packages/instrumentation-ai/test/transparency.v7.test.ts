// The differential suite on ai 7.x (see support/transparency.ts).
import { transparencySuite } from './support/transparency.js';

transparencySuite(7);
