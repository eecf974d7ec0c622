// Kept in step with package.json by the release script (a test checks they agree).
export const PACKAGE_NAME = '@genai-meter/instrumentation-anthropic';
export const PACKAGE_VERSION = '0.1.0';
