// A dedicated worker of the bot page: reports what it saw when it started.
importScripts("/bot/probe.js");
const atStart = botProbeWithHeaders();
atStart.then(report => postMessage(report));
