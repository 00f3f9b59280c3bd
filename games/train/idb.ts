/** Saves and loads named file sets (a checkpoint, a student) in the browser's IndexedDB. */
const DB = 'phaser-distill';
const STORE = 'files';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function saveFiles(key: string, files: Record<string, Uint8Array>): Promise<void> {
  const db = await open();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(files, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

export async function loadFiles(key: string): Promise<Record<string, Uint8Array> | null> {
  const db = await open();
  const files = await new Promise<Record<string, Uint8Array> | null>((resolve, reject) => {
    const req = db.transaction(STORE).objectStore(STORE).get(key);
    req.onsuccess = () => resolve((req.result as Record<string, Uint8Array> | undefined) ?? null);
    req.onerror = () => reject(req.error);
  });
  db.close();
  return files;
}
