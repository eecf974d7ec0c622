import './support/internal-aggregation.js';
import './outcomes.test.js';
