// The smallest openai app: load the SDK and make a client (no call), as a CLI or a serverless handler starts.
const OpenAI = require('openai');
new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://127.0.0.1:9/v1' });
