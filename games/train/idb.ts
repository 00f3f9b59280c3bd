/** Saves and loads named file sets (the trained teacher's checkpoint, its student) in the browser's IndexedDB, where they outlive the page. */
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

/** The file set saved under `key`, or null when there is none. */
export async function loadFiles(key: string): Promise<Record<string, Uint8Array> | null> {
  const db = await open();
  const files = await new Promise<Record<string, Uint8Array> | undefined>((resolve, reject) => {
    const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(key);
    req.onsuccess = () => resolve(req.result as Record<string, Uint8Array> | undefined);
    req.onerror = () => reject(req.error);
  });
  db.close();
  return files ?? null;
}
