// The images, audio and moderations suite again, with the instrumentation's own aggregation exported through its MetricProducer.
import '../../instrumentation-core/test/support/internal-aggregation.js';
import { mediaSuite } from './support/media-suite.js';

mediaSuite(7);
