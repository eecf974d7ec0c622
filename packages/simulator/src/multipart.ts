// multipart/form-data request bodies (image edits and variations, audio transcriptions and translations),
// parsed by the fetch implementation Node ships (undici's FormData parser) into the record the endpoints
// read: text fields as strings, `name[]` fields (how the openai SDK sends arrays) as arrays, files as
// UploadedFile.
import { hashString } from './rng.js';

/** A file part of a multipart body. */
export class UploadedFile {
  constructor(
    readonly name: string,
    readonly type: string,
    readonly bytes: Uint8Array,
  ) {}

  /**
   * What the content of an answer is derived from (the server hashes the body's JSON): name, size and a
   * hash of the bytes, so that equal uploads get equal answers without serialising the bytes.
   */
  toJSON(): { name: string; size: number; hash: number } {
    return { name: this.name, size: this.bytes.length, hash: hashString(Buffer.from(this.bytes).toString('latin1')) };
  }
}

export const isMultipart = (contentType: string | undefined): contentType is string => /^multipart\/form-data\s*;/i.test(contentType ?? '');

/** The fields of a multipart body; rejects a body the parser cannot read (a TypeError with undici's reason). */
export async function parseMultipart(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  // A Buffer is a Uint8Array, which fetch's Request takes; the DOM typings want an ArrayBuffer-backed view.
  const form = await new Request('http://simulator/', { method: 'POST', headers: { 'content-type': contentType }, body: raw as unknown as BodyInit }).formData();
  const entries: [string, FormDataEntryValue][] = [];
  form.forEach((value, key) => entries.push([key, value]));
  const body: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const item = typeof value === 'string' ? value : new UploadedFile(value.name, value.type, new Uint8Array(await value.arrayBuffer()));
    if (key.endsWith('[]')) ((body[key.slice(0, -2)] ??= []) as unknown[]).push(item);
    else body[key] = item;
  }
  return body;
}
