fetch("/api/ping").then(r => r.json()).then(j => {
  document.getElementById("xhr-status").textContent = j.pong ? "pong" : "bad";
});
