/** Where media bytes live. The local directory store is the default; S3-compatible comes later. */
export interface MediaStore {
  readonly kind: string;
  put(key: string, bytes: Uint8Array, mimeType: string): Promise<void>;
  /** Null when the object does not exist (expired and purged, or never written). */
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  /**
   * Every stored key written before `before`, in pages; retention compares them with the rows to
   * find files a crash left without one. A store that cannot list is not checked for orphans.
   */
  list?(before: Date): AsyncIterable<string[]>;
  /** Object stores hand out their own expiring links; without this, the API serves /media/<id> itself. */
  presignedUrl?(key: string, expiresInSeconds: number, mimeType: string): Promise<string>;
}
