// The dedicated worker of worker.html: answers with what a fingerprinting script would read here.
postMessage([navigator.userAgent, navigator.hardwareConcurrency, navigator.language].join(" | "));
