// The bot page's probe, loaded by every realm it inspects (the page, its iframe, a cross-origin iframe, a
// dedicated worker, a shared worker, a service worker). `botProbe()` returns what this realm shows: the values every realm
// must agree on, and `lies`, the patched functions a fingerprinting page finds (member → failed checks).
(function () {
  "use strict";
  const isWindow = typeof window !== "undefined" && self === window;
  const fts = Function.prototype.toString;

  function webgl() {
    try {
      const canvas = isWindow ? document.createElement("canvas") : new OffscreenCanvas(1, 1);
      const gl = canvas.getContext("webgl");
      if (!gl) return { vendor: null, renderer: null };
      const ext = gl.getExtension("WEBGL_debug_renderer_info");
      return ext
        ? { vendor: gl.getParameter(ext.UNMASKED_VENDOR_WEBGL), renderer: gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) }
        : { vendor: gl.getParameter(gl.VENDOR), renderer: gl.getParameter(gl.RENDERER) };
    } catch (e) {
      return { vendor: null, renderer: null, error: String(e) };
    }
  }

  // Values every realm must report alike.
  function values() {
    const n = self.navigator;
    const uaData = n.userAgentData;
    const options = Intl.DateTimeFormat().resolvedOptions();
    // A window's screen, colour scheme and outer window (a frame reports its top window's; a frame must
    // agree with the page on them; workers have none).
    const screenValues = isWindow ? { screen: { width: screen.width, height: screen.height, avail_width: screen.availWidth,
      avail_height: screen.availHeight, avail_top: screen.availTop, color_depth: screen.colorDepth },
      color_scheme: matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
      outer_window: [outerWidth, outerHeight] } : {};
    return {
      ...screenValues,
      user_agent: n.userAgent,
      app_version: n.appVersion,
      platform: n.platform,
      languages: Array.from(n.languages || []),
      language: n.language,
      hardware_concurrency: n.hardwareConcurrency,
      device_memory: n.deviceMemory ?? null,
      rtt: n.connection ? n.connection.rtt : null,
      webgl: webgl(),
      timezone: options.timeZone,
      locale: options.locale,
      ua_data: uaData ? { brands: uaData.brands.map(b => b.brand + "/" + b.version), platform: uaData.platform, mobile: uaData.mobile } : null,
    };
  }

  // What a lie detector checks of a native function (a getter, a method): its source text, in this realm
  // and through a pristine realm's toString; that it is no constructor and has only `length` and `name`;
  // that its prototype chain cannot loop (a Proxy lets it); that it refuses a foreign `this` the way a
  // native does, with no extra stack frame.
  const nativeText = name => new RegExp("^function " + name.replace(/[$()[\]]/g, "\\$&") + "\\(\\) \\{\\s*\\[native code\\]\\s*\\}$");
  function stackDepth(error) { return String(error && error.stack).split("\n").length; }
  function refuse(fn, receiver, args) {
    try { Reflect.apply(fn, receiver, args); return null; } catch (e) { return e; }
  }
  function inspect(fn, name, { receiver, args = [], constructible = false, control, otherToString }) {
    const failed = [];
    if (typeof fn !== "function") return ["missing"];
    try { if (!nativeText(name).test(fts.call(fn))) failed.push("to_string"); } catch (e) { failed.push("to_string"); }
    if (otherToString) {
      try { if (!nativeText(name).test(otherToString.call(fn))) failed.push("cross_realm_to_string"); } catch (e) { failed.push("cross_realm_to_string"); }
    }
    const keys = Reflect.ownKeys(fn).map(String).join(",");
    if (keys !== (constructible ? "length,name,prototype" : "length,name")) failed.push("own_keys");
    if (!constructible) {
      try { new fn(); failed.push("constructor"); } catch (e) { if (!(e instanceof TypeError)) failed.push("constructor"); }
    }
    const proto = Object.getPrototypeOf(fn);
    try { Object.setPrototypeOf(fn, Object.create(fn)); failed.push("proxy"); } catch (e) { if (!(e instanceof TypeError)) failed.push("proxy"); }
    finally { try { Object.setPrototypeOf(fn, proto); } catch (e) { /* a frozen function keeps its chain */ } }
    if (receiver !== undefined) {
      const error = refuse(fn, receiver, args);
      if (!(error instanceof TypeError)) failed.push("receiver");
      else if (control && stackDepth(error) !== stackDepth(refuse(control, receiver, []))) failed.push("stack");
    }
    return failed;
  }

  // Members whose natives a stealth tool patches, per interface: [interface name, getters, methods].
  const members = isWindow
    ? [
        ["Navigator", ["userAgent", "appVersion", "platform", "languages", "language", "hardwareConcurrency", "deviceMemory",
          "webdriver", "plugins", "mimeTypes", "pdfViewerEnabled", "userAgentData", "vendor"], []],
        ["Screen", ["width", "height", "availWidth", "availHeight", "availTop", "availLeft", "colorDepth"], []],
        ["PluginArray", ["length"], ["item", "namedItem", "refresh"]],
        ["MimeTypeArray", ["length"], ["item", "namedItem"]],
        ["Plugin", ["name", "filename", "description", "length"], ["item", "namedItem"]],
        ["MimeType", ["type", "suffixes", "description", "enabledPlugin"], []],
        ["WebGLRenderingContext", [], ["getParameter"]],
        ["WebGL2RenderingContext", [], ["getParameter"]],
        ["NetworkInformation", ["rtt", "downlink", "effectiveType"], []],
      ]
    : [
        ["WorkerNavigator", ["userAgent", "appVersion", "platform", "languages", "language", "hardwareConcurrency",
          "deviceMemory", "userAgentData"], []],
        ["WebGLRenderingContext", [], ["getParameter"]],
        ["WebGL2RenderingContext", [], ["getParameter"]],
        ["NetworkInformation", ["rtt", "downlink", "effectiveType"], []],
      ];

  function lies(otherToString) {
    const found = {};
    const note = (member, failed) => { if (failed.length) found[member] = failed; };
    const controlOwner = isWindow ? Navigator.prototype : WorkerNavigator.prototype;
    const control = Object.getOwnPropertyDescriptor(controlOwner, "onLine").get;
    for (const [name, getters, methods] of members) {
      const iface = self[name];
      if (!iface) continue;
      for (const prop of getters) {
        const desc = Object.getOwnPropertyDescriptor(iface.prototype, prop);
        if (!desc) continue;
        const failed = inspect(desc.get, "get " + prop, { receiver: Object.create(iface.prototype), control, otherToString });
        if (!desc.enumerable || !desc.configurable) failed.push("descriptor");
        note(name + "." + prop, failed);
      }
      for (const prop of methods) {
        const desc = Object.getOwnPropertyDescriptor(iface.prototype, prop);
        if (!desc) continue;
        const failed = inspect(desc.value, prop, { receiver: {}, args: [37445], otherToString });
        if (!desc.writable || desc.enumerable !== true || !desc.configurable) failed.push("descriptor");
        note(name + "." + prop, failed);
      }
    }
    note("Function.toString", inspect(fts, "toString", { receiver: {}, otherToString }));
    if (isWindow) {
      for (const prop of ["outerWidth", "outerHeight", "screenX", "screenY", "innerWidth", "innerHeight"]) {
        const desc = Object.getOwnPropertyDescriptor(window, prop);
        note("window." + prop, desc && desc.get ? inspect(desc.get, "get " + prop, { otherToString }) : ["descriptor"]);
      }
      const permission = Object.getOwnPropertyDescriptor(Notification, "permission");
      note("Notification.permission", permission && permission.get ? inspect(permission.get, "get permission", { otherToString }) : ["descriptor"]);
      note("Permissions.query", inspect(Permissions.prototype.query, "query", { otherToString }));
      if (Object.getOwnPropertyNames(navigator).length) found["navigator (own properties)"] = Object.getOwnPropertyNames(navigator);
      if (Object.getOwnPropertyNames(screen).length) found["screen (own properties)"] = Object.getOwnPropertyNames(screen);
      if (window.chrome) {
        for (const name of ["loadTimes", "csi"]) note("chrome." + name, inspect(window.chrome[name], "", { constructible: true, otherToString }));
        for (const name of ["getDetails", "getIsInstalled", "installState", "runningState"]) {
          note("chrome.app." + name, window.chrome.app ? inspect(window.chrome.app[name], name, { otherToString }) : ["missing"]);
        }
      }
    } else if (Object.getOwnPropertyNames(navigator).length) {
      found["navigator (own properties)"] = Object.getOwnPropertyNames(navigator);
    }
    return found;
  }

  // The realm's report; values are read twice (`stable`: a value that changes between reads is a tell).
  self.botProbe = function (otherToString) {
    try {
      const first = values();
      const second = values();
      return { values: first, stable: JSON.stringify(first) === JSON.stringify(second), lies: lies(otherToString) };
    } catch (e) {
      return { error: String(e && e.stack || e) };
    }
  };

  // A worker's report with the headers its own requests carry (service workers fetch on their own).
  self.botProbeWithHeaders = async function (otherToString) {
    const report = self.botProbe(otherToString);
    try {
      const response = await fetch("/api/headers", { cache: "no-store" });
      const headers = await response.json();
      report.http = { user_agent: headers["user-agent"] ?? null, accept_language: headers["accept-language"] ?? null,
        sec_ch_ua: headers["sec-ch-ua"] ?? null };
    } catch (e) {
      report.http = { error: String(e) };
    }
    return report;
  };
})();
