// The outcomes suite again, with the instrumentation's own aggregation exported through its MetricProducer.
import '../../instrumentation-core/test/support/internal-aggregation.js';
import './outcomes.test.js';
