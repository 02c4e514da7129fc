/** Where media bytes live. The local directory store is the default; S3-compatible comes later. */
export interface MediaStore {
  readonly kind: string;
  put(key: string, bytes: Uint8Array, mimeType: string): Promise<void>;
  /** Null when the object does not exist (expired and purged, or never written). */
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
}
