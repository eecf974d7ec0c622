// The differential suite on ai 6.x (see support/transparency.ts).
import { transparencySuite } from './support/transparency.js';

transparencySuite(6);
