// The smallest openai app as an ES module: load the SDK and make a client (no call).
import OpenAI from 'openai';
new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://127.0.0.1:9/v1' });
