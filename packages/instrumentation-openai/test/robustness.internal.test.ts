// The robustness suite again, with the instrumentation's own aggregation exported through its MetricProducer.
import '../../instrumentation-core/test/support/internal-aggregation.js';
import './robustness.test.js';
