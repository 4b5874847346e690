// Writes IndexedDB and Cache Storage without pause for as long as it lives (isolation/unload.html).
let n = 0;
let told = false;
const tick = () => {
  n += 1;
  const open = indexedDB.open('gone_worker_' + (n % 20));
  open.onupgradeneeded = () => open.result.createObjectStore('kv');
  open.onsuccess = () => {
    open.result.close();
    if (!told) {
      told = true;
      postMessage('writing');
    }
  };
  caches.open('gone_worker_' + (n % 20)).catch(() => {});
  setTimeout(tick, 0);
};
tick();
