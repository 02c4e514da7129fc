/** Where media bytes live. The local directory store is the default; S3-compatible comes later. */
export interface MediaStore {
  readonly kind: string;
  put(key: string, bytes: Uint8Array, mimeType: string): Promise<void>;
  /** Null when the object does not exist (expired and purged, or never written). */
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  /** Object stores hand out their own expiring links; without this, the API serves /media/<id> itself. */
  presignedUrl?(key: string, expiresInSeconds: number, mimeType: string): Promise<string>;
}
