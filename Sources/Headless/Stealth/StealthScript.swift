import Foundation
import RenderTypes

/// The script that puts the profile's JavaScript-level values in place, in a page (before any of its own
/// scripts: `Page.addScriptToEvaluateOnNewDocument`, which also runs in its same-origin frames) and in
/// each of its workers (evaluated while the worker waits for the debugger at start). Only what CDP cannot
/// set is patched, each patch guarded by what the realm shows (Chromium's full browser needs none of the
/// window patches). Every patched getter or method lives where the browser defines it, is a plain
/// function (never a `Proxy`), prints as native code through `Function.prototype.toString` of every realm
/// that runs this script, and lets the native's errors through with the native's stack.
enum StealthScript {
    /// Lets the realms of one page recognise each other's patched functions (never shown to a page).
    static let secret = UUID().uuidString

    /// The script for `profile`, or nil when the profile patches nothing in JavaScript.
    static func source(for profile: StealthProfile) -> String? {
        var config: [String: JSONValue] = [:]
        if profile.fakePlugins { config["plugins"] = true }
        if profile.fakeChromeObject { config["chrome"] = true }
        if profile.webShare { config["webShare"] = true }
        if profile.fixNotificationPermission { config["permissions"] = true }
        if let outer = profile.outerWindow { config["outer"] = ["width": .int(outer.width), "height": .int(outer.height)] }
        if let screen = profile.screen { config["screen"] = ["width": .int(screen.width), "height": .int(screen.height)] }
        if let taskbar = profile.taskbar { config["taskbar"] = ["height": .int(taskbar.height), "top": .int(taskbar.top)] }
        if let memory = profile.deviceMemory { config["deviceMemory"] = .double(memory) }
        if let rtt = profile.networkRTT { config["rtt"] = .int(rtt) }
        if let userAgent = profile.userAgent { config["userAgent"] = .string(userAgent) }
        if let platform = profile.platform { config["platform"] = .string(platform) }
        if profile.webglVendor != nil || profile.webglRenderer != nil {
            config["webgl"] = [
                "vendor": profile.webglVendor.map(JSONValue.string) ?? .null,
                "renderer": profile.webglRenderer.map(JSONValue.string) ?? .null,
            ]
        }
        guard !config.isEmpty else { return nil }
        config["secret"] = .string(secret)
        return "(cfg => {\n\(body)\n})(\(JSONValue.object(config).jsonString()));"
    }

    private static let body = #"""
  "use strict";
  const G = globalThis;
  const isWindow = typeof Window === "function" && G instanceof Window;
  const { apply, defineProperty, deleteProperty, getOwnPropertyDescriptor, getPrototypeOf, ownKeys } = Reflect;
  const nativeToString = Function.prototype.toString;
  const captureStackTrace = Error.captureStackTrace;
  const texts = new WeakMap();

  // Applied once per realm: a kept page gets the script again on every render.
  try {
    if (typeof apply(nativeToString, nativeToString, [cfg.secret]) === "object") return;
  } catch (e) { return; }

  // A function of this script looks native: Function.prototype.toString (this realm's and, through the
  // secret, every other realm's that runs this script) prints `function name() { [native code] }`, and an
  // error it lets through carries the stack the native's would (no frame of the script).
  const hide = (error, fn) => {
    if (error !== null && typeof error === "object" && captureStackTrace) captureStackTrace(error, fn);
    return error;
  };
  const native = (fn, name) => { texts.set(fn, "function " + name + "() { [native code] }"); return fn; };
  const textOf = fn => {
    const own = texts.get(fn);
    if (own !== undefined) return own;
    // A function of another realm of the page (an iframe's, the parent's): that realm's patched toString
    // answers the secret with what it knows; a pristine one returns a string, which says nothing.
    try {
      const proto = getPrototypeOf(fn);
      const desc = proto && getOwnPropertyDescriptor(proto, "toString");
      if (desc && typeof desc.value === "function" && desc.value !== toString) {
        const answer = apply(desc.value, fn, [cfg.secret]);
        if (answer !== null && typeof answer === "object") return answer.text;
      }
    } catch (e) { /* not ours to explain */ }
    return undefined;
  };
  const toString = native({
    toString() {
      if (arguments[0] === cfg.secret) return { text: typeof this === "function" ? texts.get(this) : undefined };
      if (typeof this === "function") {
        const text = textOf(this);
        if (text !== undefined) return text;
      }
      try { return apply(nativeToString, this, arguments); } catch (e) { throw hide(e, toString); }
    },
  }.toString, "toString");
  defineProperty(Function.prototype, "toString", { ...getOwnPropertyDescriptor(Function.prototype, "toString"), value: toString });

  // Replaces the getter `prop` of `target` (where the browser defines it) by one that first runs the
  // native (so a wrong receiver fails the same way) and then returns `valueOf(nativeValue, receiver)`;
  // receivers `ours` accepts (objects this script made) skip the native.
  const patchGetter = (target, prop, valueOf, ours = () => false) => {
    const desc = target && getOwnPropertyDescriptor(target, prop);
    if (!desc || typeof desc.get !== "function") return;
    const original = desc.get;
    const getter = getOwnPropertyDescriptor({
      get [prop]() {
        if (ours(this)) return valueOf(undefined, this);
        let value;
        try { value = apply(original, this, []); } catch (e) { throw hide(e, getter); }
        return valueOf(value, this);
      },
    }, prop).get;
    defineProperty(target, prop, { ...desc, get: native(getter, "get " + prop) });
  };

  // WebGL's unmasked vendor and renderer, in windows and in workers' OffscreenCanvas alike.
  if (cfg.webgl) {
    for (const ctor of [G.WebGLRenderingContext, G.WebGL2RenderingContext]) {
      const desc = ctor && getOwnPropertyDescriptor(ctor.prototype, "getParameter");
      if (!desc) continue;
      const original = desc.value;
      const getParameter = {
        getParameter(pname) {
          let value;
          try { value = apply(original, this, arguments); } catch (e) { throw hide(e, getParameter); }
          if (typeof value !== "string") return value;
          if (pname === 0x9245 && cfg.webgl.vendor !== null) return cfg.webgl.vendor;
          if (pname === 0x9246 && cfg.webgl.renderer !== null) return cfg.webgl.renderer;
          return value;
        },
      }.getParameter;
      defineProperty(ctor.prototype, "getParameter", { ...desc, value: native(getParameter, "getParameter") });
    }
  }

  // Values the browser fixes when a worker starts (shared and service workers keep the launch user agent).
  const nav = G.navigator;
  const navProto = nav && getPrototypeOf(nav);
  if (cfg.userAgent && nav.userAgent !== cfg.userAgent) {
    patchGetter(navProto, "userAgent", () => cfg.userAgent);
    patchGetter(navProto, "appVersion", () => cfg.userAgent.replace(/^Mozilla\//, ""));
  }
  if (cfg.platform && nav.platform !== cfg.platform) patchGetter(navProto, "platform", () => cfg.platform);
  if (cfg.deviceMemory && nav.deviceMemory !== cfg.deviceMemory) patchGetter(navProto, "deviceMemory", () => cfg.deviceMemory);
  // Headless-shell estimates no round trip: 0 is a known headless mark (the full browser has one).
  // A worker's `navigator.connection` is not read here: reading it while the worker waits for the
  // debugger at start makes its renderer crash at the worker's next read (Chromium 156, measured), so
  // a worker's getter is replaced unread; it still answers the browser's estimate when there is one.
  const rttOwner = G.NetworkInformation && G.NetworkInformation.prototype;
  if (cfg.rtt && rttOwner && (!isWindow || (nav.connection && nav.connection.rtt === 0))) {
    patchGetter(rttOwner, "rtt", value => (value === 0 ? cfg.rtt : value));
  }

  if (!isWindow) return;

  // The page's screen comes from device emulation, which reaches only the page's own renderer: a
  // cross-site frame (a renderer of its own) shows the browser's window instead, so it gets the page's.
  if (cfg.screen && (screen.width !== cfg.screen.width || screen.height !== cfg.screen.height)) {
    patchGetter(Screen.prototype, "width", () => cfg.screen.width);
    patchGetter(Screen.prototype, "height", () => cfg.screen.height);
    patchGetter(Screen.prototype, "availWidth", () => cfg.screen.width);
    patchGetter(Screen.prototype, "availHeight", () => cfg.screen.height);
    patchGetter(Screen.prototype, "availTop", () => 0);
    patchGetter(Screen.prototype, "availLeft", () => 0);
  }

  // A desktop's screen has a taskbar, dock or panel.
  if (cfg.taskbar && screen.availHeight === screen.height) {
    patchGetter(Screen.prototype, "availHeight", value => value - cfg.taskbar.height);
    if (cfg.taskbar.top) patchGetter(Screen.prototype, "availTop", value => value + cfg.taskbar.top);
  }

  // A real window is its viewport plus the browser's frame and toolbar (headless-shell reports 0, the
  // full browser its 800×600 window), and a frame reports its top window's.
  if (cfg.outer && (outerWidth !== cfg.outer.width || outerHeight !== cfg.outer.height)) {
    patchGetter(window, "outerWidth", () => cfg.outer.width);
    patchGetter(window, "outerHeight", () => cfg.outer.height);
  }

  if (cfg.permissions && typeof Notification === "function" && Notification.permission === "denied") {
    patchGetter(Notification, "permission", value => (value === "denied" ? "default" : value));
  }

  // Chrome's PDF viewer plugins (headless-shell has none).
  if (cfg.plugins && navigator.plugins.length === 0) {
    const lists = new WeakMap();
    const makeList = (proto, items, key) => {
      const list = Object.create(proto);
      items.forEach((item, i) => defineProperty(list, i, { value: item, enumerable: true, configurable: true }));
      items.forEach(item => defineProperty(list, lists.get(item)[key], { value: item, enumerable: false, configurable: true }));
      return list;
    };
    const mimes = [["application/pdf", "pdf"], ["text/pdf", "pdf"]].map(([type, suffixes]) => {
      const mime = Object.create(MimeType.prototype);
      lists.set(mime, { type, suffixes, description: "Portable Document Format" });
      return mime;
    });
    const names = ["PDF Viewer", "Chrome PDF Viewer", "Chromium PDF Viewer", "Microsoft Edge PDF Viewer", "WebKit built-in PDF"];
    const plugins = names.map(name => {
      const plugin = makeList(Plugin.prototype, mimes, "type");
      lists.set(plugin, { name, filename: "internal-pdf-viewer", description: "Portable Document Format", items: mimes, key: "type" });
      return plugin;
    });
    mimes.forEach(mime => { lists.get(mime).enabledPlugin = plugins[0]; });
    const pluginArray = makeList(PluginArray.prototype, plugins, "name");
    lists.set(pluginArray, { items: plugins, key: "name" });
    const mimeArray = makeList(MimeTypeArray.prototype, mimes, "type");
    lists.set(mimeArray, { items: mimes, key: "type" });
    // The interfaces' own members answer for the fake objects and stay native for real ones.
    for (const [ctor, fields] of [[MimeType, ["type", "suffixes", "description", "enabledPlugin"]],
      [Plugin, ["name", "filename", "description", "length"]], [PluginArray, ["length"]], [MimeTypeArray, ["length"]]]) {
      for (const field of fields) {
        patchGetter(ctor.prototype, field, (value, self) => {
          const entry = lists.get(self);
          if (!entry) return value;
          return field === "length" ? entry.items.length : entry[field];
        }, self => lists.has(self));
      }
    }
    for (const ctor of [Plugin, PluginArray, MimeTypeArray]) {
      for (const [name, pick] of [["item", (entry, i) => entry.items[i >>> 0] ?? null],
        ["namedItem", (entry, key) => entry.items.find(it => lists.get(it)[entry.key] === String(key)) ?? null]]) {
        const desc = getOwnPropertyDescriptor(ctor.prototype, name);
        if (!desc) continue;
        const original = desc.value;
        const method = { [name](arg) {
          const entry = lists.get(this);
          if (entry && arguments.length > 0) return pick(entry, arg);
          try { return apply(original, this, arguments); } catch (e) { throw hide(e, method); }
        } }[name];
        defineProperty(ctor.prototype, name, { ...desc, value: native(method, name) });
      }
    }
    patchGetter(Navigator.prototype, "plugins", () => pluginArray);
    patchGetter(Navigator.prototype, "mimeTypes", () => mimeArray);
    patchGetter(Navigator.prototype, "pdfViewerEnabled", () => true);
  }

  // Chrome on Windows and macOS has the Web Share API (in secure contexts); headless Linux has none.
  if (cfg.webShare && isSecureContext && !("share" in Navigator.prototype)) {
    const illegal = fn => hide(new TypeError("Illegal invocation"), fn);
    const methods = {
      share() {
        if (!(this instanceof Navigator)) return Promise.reject(illegal(methods.share));
        return Promise.reject(new DOMException("Failed to execute 'share' on 'Navigator': Must be handling a user gesture to perform a share request.", "NotAllowedError"));
      },
      canShare() {
        if (!(this instanceof Navigator)) throw illegal(methods.canShare);
        const data = arguments[0];
        if (data === null || typeof data !== "object") return false;
        if (data.url !== undefined) {
          try { new URL(String(data.url), location.href); } catch (e) { return false; }
        }
        if (data.files !== undefined && data.files.length > 0) return false;
        return data.title !== undefined || data.text !== undefined || data.url !== undefined;
      },
    };
    for (const name of ["share", "canShare"]) {
      defineProperty(Navigator.prototype, name,
        { value: native(methods[name], name), writable: true, enumerable: true, configurable: true });
    }
  }

  // window.chrome as Chrome has it (headless-shell has none), placed where Chrome puts it among the
  // window's own properties: right after the JavaScript builtins, before the browser's late additions.
  if (cfg.chrome && !("chrome" in window)) {
    const started = Date.now() / 1000;
    const plain = fn => native(fn, "");
    const named = (object, name) => native(object[name], name);
    const app = {
      isInstalled: false,
      getDetails: null, getIsInstalled: null, installState: null, runningState: null,
      InstallState: { DISABLED: "disabled", INSTALLED: "installed", NOT_INSTALLED: "not_installed" },
      RunningState: { CANNOT_RUN: "cannot_run", READY_TO_RUN: "ready_to_run", RUNNING: "running" },
    };
    const methods = {
      getDetails() { return null; },
      getIsInstalled() { return false; },
      installState() { return "not_installed"; },
      runningState() { return "cannot_run"; },
    };
    for (const name of ownKeys(methods)) app[name] = named(methods, name);
    const chrome = {
      loadTimes: plain([function () {
        return { requestTime: started, startLoadTime: started, commitLoadTime: started, finishDocumentLoadTime: 0,
          finishLoadTime: 0, firstPaintTime: 0, firstPaintAfterLoadTime: 0, navigationType: "Other",
          wasFetchedViaSpdy: false, wasNpnNegotiated: false, npnNegotiatedProtocol: "unknown",
          wasAlternateProtocolAvailable: false, connectionInfo: "http/1.1" };
      }][0]),
      csi: plain([function () {
        return { startE: Math.round(started * 1000), onloadT: Date.now(), pageT: Date.now() - started * 1000, tran: 15 };
      }][0]),
      app,
    };
    const names = Object.getOwnPropertyNames(window);
    const anchor = names.indexOf("WebAssembly");
    defineProperty(window, "chrome", { value: chrome, configurable: true, enumerable: true, writable: true });
    if (anchor >= 0) {
      for (const name of names.slice(anchor + 1)) {
        const desc = getOwnPropertyDescriptor(window, name);
        if (!desc || !desc.configurable) continue;
        deleteProperty(window, name);
        defineProperty(window, name, desc);
      }
    }
  }
"""#
}
