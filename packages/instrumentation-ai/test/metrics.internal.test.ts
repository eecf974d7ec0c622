// The metrics suite again, with the instrumentation's own aggregation exported through its MetricProducer.
import './support/internal-aggregation.js';
import './metrics.test.js';
