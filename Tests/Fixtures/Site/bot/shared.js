// A shared worker of the bot page: reports what it saw when it started to every page that connects.
importScripts("/bot/probe.js");
const atStart = botProbeWithHeaders();
onconnect = event => { const port = event.ports[0]; atStart.then(report => port.postMessage(report)); };
