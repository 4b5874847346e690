// The bot page's service worker: reports what it saw when it started to any client that asks.
importScripts("/bot/probe.js");
const atStart = botProbeWithHeaders();
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", event => event.waitUntil(self.clients.claim()));
self.addEventListener("message", event => { atStart.then(report => event.source.postMessage(report)); });
