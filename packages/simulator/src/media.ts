// Bytes of the media the simulator answers with and reads: a tiny valid PNG per generated image, speech
// audio in the requested container, and the duration of an uploaded audio file.
import { crc32, deflateSync } from 'node:zlib';
import { Rng } from './rng.js';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A valid 1x1 RGB PNG of one colour (every decoder reads it; an image's real size would make bodies huge). */
export function tinyPng(r: number, g: number, b: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from([0, r, g, b]))), // one scanline: filter 0, one pixel
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The PNG of an image id (the path of its URL): its colour comes from the id, so a URL always serves the same bytes. */
export function pngForId(id: string): Buffer {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) >>> 0;
  return tinyPng(h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff);
}

export type SpeechFormat = 'mp3' | 'opus' | 'aac' | 'flac' | 'wav' | 'pcm';
export const SPEECH_FORMATS: readonly SpeechFormat[] = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'];

/** Content-Type of each speech format, as the audio/speech endpoint sends it. */
export const SPEECH_CONTENT_TYPES: Readonly<Record<SpeechFormat, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** OpenAI's speech output: 24 kHz, 16-bit, mono (pcm is the raw samples, wav adds the header). */
const SAMPLE_RATE = 24_000;

/** 16-bit little-endian samples of a quiet tone whose pitch comes from `rng`: deterministic, not silence. */
function pcmSamples(seconds: number, rng: Rng): Buffer {
  const count = Math.max(1, Math.round(seconds * SAMPLE_RATE));
  const hz = 180 + Math.floor(rng.next() * 240);
  const out = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) out.writeInt16LE(Math.round(2000 * Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE)), i * 2);
  return out;
}

function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** A WAV file of `seconds` of the simulator's tone (also what tests upload for transcriptions). */
export function wavFile(seconds: number, rng: Rng): Buffer {
  const samples = pcmSamples(seconds, rng);
  return Buffer.concat([wavHeader(samples.length), samples]);
}

/**
 * A WAV file of `seconds` of a tone (24 kHz, 16-bit mono): an audio upload whose length the transcription and
 * translation endpoints read from its header, for tests of clients that send audio.
 */
export function audioUpload(seconds: number): Buffer {
  return wavFile(seconds, new Rng(1));
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames of 1152 samples; all-zero side info decodes as silence. */
const MP3_FRAME_HEADER = [0xff, 0xfb, 0x90, 0x64];
const MP3_FRAME_BYTES = 417;
const MP3_FRAME_SECONDS = 1152 / 44_100;

/** Magic numbers of the containers the simulator does not encode: its bytes start like one, the rest is filler. */
const CONTAINER_MAGIC: Partial<Record<SpeechFormat, number[]>> = {
  opus: [0x4f, 0x67, 0x67, 0x53], // OggS
  aac: [0xff, 0xf1], // ADTS sync word
  flac: [0x66, 0x4c, 0x61, 0x43], // fLaC
};

/**
 * Speech audio of `seconds` in `format`: wav and pcm carry real samples, mp3 silent frames (both decode);
 * opus, aac and flac start with their container's magic number and are filler after it (not decodable).
 */
export function speechAudio(format: SpeechFormat, seconds: number, rng: Rng): Buffer {
  if (format === 'wav') return wavFile(seconds, rng);
  if (format === 'pcm') return pcmSamples(seconds, rng);
  if (format === 'mp3') {
    const frame = Buffer.alloc(MP3_FRAME_BYTES);
    Buffer.from(MP3_FRAME_HEADER).copy(frame);
    const frames = Math.max(1, Math.ceil(seconds / MP3_FRAME_SECONDS));
    return Buffer.concat(Array.from({ length: frames }, () => frame));
  }
  const magic = Buffer.from(CONTAINER_MAGIC[format] ?? []);
  const filler = Buffer.alloc(Math.max(64, Math.round(seconds * 4000)));
  for (let i = 0; i < filler.length; i++) filler[i] = Math.floor(rng.next() * 256);
  return Buffer.concat([magic, filler]);
}

/** Duration of a PCM WAV file from its header (byte rate and data size), or undefined for any other bytes. */
export function wavSeconds(bytes: Uint8Array): number | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= b.length; ) {
    const id = b.toString('latin1', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 16 <= b.length) byteRate = b.readUInt32LE(at + 16);
    if (id === 'data') return byteRate ? Math.min(size, b.length - at - 8) / byteRate : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** Compressed audio of unknown format is taken at 128 kbit/s (16,000 bytes a second). */
const COMPRESSED_BYTES_PER_SECOND = 16_000;

/** Seconds of an uploaded audio file: a WAV's header, else its size at 128 kbit/s (at least 0.1 s). */
export function uploadSeconds(bytes: Uint8Array): number {
  return Math.max(0.1, wavSeconds(bytes) ?? bytes.length / COMPRESSED_BYTES_PER_SECOND);
}
