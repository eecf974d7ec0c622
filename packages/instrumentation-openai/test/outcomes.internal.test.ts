import '../../instrumentation-core/test/support/internal-aggregation.js';
import './outcomes.test.js';
