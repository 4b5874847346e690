import RenderTypes

/// The script a stealthy page runs before any of its own (`Page.addScriptToEvaluateOnNewDocument`).
/// Every patch is a fixed value from the profile (never re-randomised per read), and getters are
/// wrapped in a `Proxy` of the native getter, so `toString()` still says `[native code]`.
enum StealthScript {
    /// The script for `profile`, or nil when the profile patches nothing in JavaScript.
    static func source(for profile: StealthProfile) -> String? {
        var config: [String: JSONValue] = [:]
        if profile.hideWebdriver { config["webdriver"] = true }
        if profile.fakePlugins { config["plugins"] = true }
        if profile.fakeChromeObject { config["chrome"] = true }
        if profile.fixNotificationPermission { config["permissions"] = true }
        if profile.fakeOuterWindow { config["outer"] = .int(StealthProfile.toolbarHeight) }
        if let memory = profile.deviceMemory { config["deviceMemory"] = .double(memory) }
        if profile.webglVendor != nil || profile.webglRenderer != nil {
            config["webgl"] = [
                "vendor": profile.webglVendor.map(JSONValue.string) ?? .null,
                "renderer": profile.webglRenderer.map(JSONValue.string) ?? .null,
            ]
        }
        guard !config.isEmpty else { return nil }
        return "(cfg => {\n\(body)\n})(\(JSONValue.object(config).jsonString()));"
    }

    private static let body = """
          const patchGetter = (target, prop, valueOf) => {
            const desc = Object.getOwnPropertyDescriptor(target, prop);
            if (desc && desc.get) {
              Object.defineProperty(target, prop, { ...desc, get: new Proxy(desc.get, { apply: (fn, self) => valueOf(self) }) });
            } else {
              Object.defineProperty(target, prop, { get: function () { return valueOf(this); }, configurable: true, enumerable: true });
            }
          };
          const ownMethod = (object, name, fn) =>
            Object.defineProperty(object, name, { value: fn, configurable: true, enumerable: false, writable: true });

          if (cfg.webdriver) patchGetter(Navigator.prototype, "webdriver", () => false);

          if (cfg.deviceMemory) patchGetter(Navigator.prototype, "deviceMemory", () => cfg.deviceMemory);

          if (cfg.plugins && navigator.plugins && navigator.plugins.length === 0) {
            const makeList = (proto, items, key) => {
              const list = Object.create(proto);
              items.forEach((item, i) => {
                Object.defineProperty(list, i, { value: item, enumerable: true, configurable: true });
                Object.defineProperty(list, item[key], { value: item, enumerable: false, configurable: true });
              });
              Object.defineProperty(list, "length", { value: items.length, configurable: true });
              ownMethod(list, "item", i => items[i] ?? null);
              ownMethod(list, "namedItem", name => items.find(it => it[key] === name) ?? null);
              ownMethod(list, Symbol.iterator, function* () { yield* items; });
              return list;
            };
            const mimes = [["application/pdf", "pdf"], ["text/pdf", "pdf"]].map(([type, suffixes]) => {
              const mime = Object.create(MimeType.prototype);
              for (const [k, v] of Object.entries({ type, suffixes, description: "Portable Document Format" }))
                Object.defineProperty(mime, k, { value: v, enumerable: true });
              return mime;
            });
            const names = ["PDF Viewer", "Chrome PDF Viewer", "Chromium PDF Viewer", "Microsoft Edge PDF Viewer", "WebKit built-in PDF"];
            const plugins = names.map(name => {
              const plugin = makeList(Plugin.prototype, mimes, "type");
              for (const [k, v] of Object.entries({ name, filename: "internal-pdf-viewer", description: "Portable Document Format" }))
                Object.defineProperty(plugin, k, { value: v, enumerable: true });
              return plugin;
            });
            mimes.forEach(mime => Object.defineProperty(mime, "enabledPlugin", { value: plugins[0], enumerable: true }));
            const pluginArray = makeList(PluginArray.prototype, plugins, "name");
            ownMethod(pluginArray, "refresh", () => undefined);
            const mimeArray = makeList(MimeTypeArray.prototype, mimes, "type");
            patchGetter(Navigator.prototype, "plugins", () => pluginArray);
            patchGetter(Navigator.prototype, "mimeTypes", () => mimeArray);
            if ("pdfViewerEnabled" in Navigator.prototype) patchGetter(Navigator.prototype, "pdfViewerEnabled", () => true);
          }

          if (cfg.chrome && !window.chrome) {
            const started = Date.now() / 1000;
            Object.defineProperty(window, "chrome", {
              value: {
                app: {
                  isInstalled: false,
                  InstallState: { DISABLED: "disabled", INSTALLED: "installed", NOT_INSTALLED: "not_installed" },
                  RunningState: { CANNOT_RUN: "cannot_run", READY_TO_RUN: "ready_to_run", RUNNING: "running" },
                  getDetails() { return null; },
                  getIsInstalled() { return false; },
                },
                csi() { return { startE: Math.round(started * 1000), onloadT: Date.now(), pageT: Date.now() - started * 1000, tran: 15 }; },
                loadTimes() {
                  return { requestTime: started, startLoadTime: started, commitLoadTime: started, finishDocumentLoadTime: 0,
                    finishLoadTime: 0, firstPaintTime: 0, firstPaintAfterLoadTime: 0, navigationType: "Other",
                    wasFetchedViaSpdy: false, wasNpnNegotiated: false, npnNegotiatedProtocol: "unknown",
                    wasAlternateProtocolAvailable: false, connectionInfo: "http/1.1" };
                },
              },
              configurable: true, enumerable: true, writable: true,
            });
          }

          if (cfg.permissions && typeof Notification !== "undefined" && Notification.permission === "denied") {
            patchGetter(Notification, "permission", () => "default");
          }

          if (cfg.webgl) {
            for (const ctor of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
              if (!ctor) continue;
              const original = ctor.prototype.getParameter;
              ctor.prototype.getParameter = new Proxy(original, {
                apply(fn, self, args) {
                  if (args[0] === 37445 && cfg.webgl.vendor !== null) return cfg.webgl.vendor;
                  if (args[0] === 37446 && cfg.webgl.renderer !== null) return cfg.webgl.renderer;
                  return Reflect.apply(fn, self, args);
                },
              });
            }
          }

          if (cfg.outer) {
            patchGetter(window, "outerWidth", () => window.innerWidth);
            patchGetter(window, "outerHeight", () => window.innerHeight + cfg.outer);
          }
        """
}

extension Page {
    /// Puts `profile` in place before the next document: user agent with client hints, platform,
    /// languages (and Accept-Language), locale, time zone, cores, and the JavaScript patches. Commands
    /// go out concurrently. `browserUserAgent` stands in when only the languages or platform change.
    public func applyStealth(_ profile: StealthProfile, browserUserAgent: String, timeout: Duration? = nil)
        async throws(PageError)
    {
        var commands: [@Sendable () async throws -> Void] = []
        if profile.userAgent != nil || profile.languages != nil || profile.platform != nil {
            let command = CDP.Emulation.SetUserAgentOverride(
                userAgent: profile.userAgent ?? browserUserAgent, acceptLanguage: profile.languages?.joined(separator: ","),
                platform: profile.platform, userAgentMetadata: profile.userAgentMetadata
            )
            commands.append { try await self.send(command, timeout: timeout) }
        }
        if let timezone = profile.timezone {
            commands.append { try await self.send(CDP.Emulation.SetTimezoneOverride(timezoneId: timezone), timeout: timeout) }
        }
        if let locale = profile.locale {
            commands.append { try await self.send(CDP.Emulation.SetLocaleOverride(locale: locale), timeout: timeout) }
        }
        if let cores = profile.hardwareConcurrency {
            commands.append {
                try await self.send(CDP.Emulation.SetHardwareConcurrencyOverride(hardwareConcurrency: cores), timeout: timeout)
            }
        }
        if let script = StealthScript.source(for: profile) {
            commands.append { try await self.addInitScript(script, timeout: timeout) }
        }
        if !commands.isEmpty { try await Self.concurrently(commands) }
    }
}
