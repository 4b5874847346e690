// The isolation battery's service worker: its registration is the state a later page looks for.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));
