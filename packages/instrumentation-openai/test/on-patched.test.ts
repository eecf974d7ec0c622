// onPatched (instrumentation-core's base class): how @genai-meter/node learns that an SDK was patched, to
// build its pipeline then. Called once, before the first wrapper is in place; at once afterwards.
import { describe, expect, it } from 'vitest';
import { OpenAIInstrumentation } from '../src/index.js';
import { loadOpenAI } from './support/harness.js';

type OpenAIModule = ReturnType<typeof loadOpenAI>;

/** Runs `body` with a fresh instrumentation (not yet patching) and openai `major`, disabled afterwards. */
function withInstrumentation(major: 6 | 7, body: (instrumentation: OpenAIInstrumentation, openai: OpenAIModule, create: () => string) => void): void {
  const openai = loadOpenAI(major);
  const create = () => (openai.OpenAI.Chat.Completions.prototype as { create: { name: string } }).create.name;
  const instrumentation = new OpenAIInstrumentation({ pricing: false });
  try {
    body(instrumentation, openai, create);
  } finally {
    instrumentation.disable();
  }
}

describe('onPatched', () => {
  it('runs once, at the first wrapper, before it is in place; at once when registered after', () => {
    withInstrumentation(6, (instrumentation, openai, create) => {
      const seen: string[] = [];
      instrumentation.onPatched(() => seen.push(`first: ${create()}`));
      instrumentation.onPatched(() => seen.push('second'));
      expect(seen).toEqual([]);
      instrumentation.patchOpenAI(openai);
      expect(create()).toBe('genaiMeterCall');
      expect(seen).toEqual(['first: create', 'second']);
      instrumentation.patchOpenAI(openai);
      expect(seen).toHaveLength(2);
      instrumentation.onPatched(() => seen.push('late'));
      expect(seen).toEqual(['first: create', 'second', 'late']);
    });
  });

  it('a listener that throws stops neither the patch nor the listeners after it', () => {
    withInstrumentation(7, (instrumentation, openai, create) => {
      const seen: string[] = [];
      const boom = () => {
        throw new Error('boom');
      };
      instrumentation.onPatched(boom);
      instrumentation.onPatched(() => seen.push('after'));
      instrumentation.patchOpenAI(openai);
      expect(create()).toBe('genaiMeterCall');
      expect(seen).toEqual(['after']);
      expect(() => instrumentation.onPatched(boom)).not.toThrow();
    });
  });

  it('after disable() no wrapper is in place: a listener waits for the next patch', () => {
    withInstrumentation(6, (instrumentation, openai) => {
      instrumentation.patchOpenAI(openai);
      instrumentation.disable();
      const seen: string[] = [];
      instrumentation.onPatched(() => seen.push('patched again'));
      expect(seen).toEqual([]);
      instrumentation.enable();
      instrumentation.patchOpenAI(openai);
      expect(seen).toEqual(['patched again']);
    });
  });
});
