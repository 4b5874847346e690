import RenderTypes

/// The JavaScript the driver runs in pages. Values go in as JSON literals, never spliced into code,
/// except a caller's own predicate expression, which is the code to run.
enum PageScripts {
    /// `<!doctype …>` plus the document element's outer HTML.
    static let content = """
        (document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "") +
        (document.documentElement ? document.documentElement.outerHTML : "")
        """

    /// A function `el => bool`: the element has a box and is not hidden by display or visibility.
    static let isVisible = """
        (el => { const r = el.getBoundingClientRect(); \
        return r.width > 0 && r.height > 0 && el.checkVisibility({ visibilityProperty: true }); })
        """

    /// Whether `selector` matches (a visible element, with `visible`), right now.
    static func selectorCheck(_ selector: String, visible: Bool) -> String {
        """
        (() => { const el = document.querySelector(\(literal(selector))); \
        return !!el && (!\(visible) || \(isVisible)(el)); })()
        """
    }

    /// A promise: true as soon as `selector` matches (watched with a MutationObserver plus a 50 ms
    /// poll for style changes), false after `timeoutMs`.
    static func selectorWait(_ selector: String, visible: Bool, timeoutMs: Int) -> String {
        """
        new Promise(resolve => {
          const check = () => { const el = document.querySelector(\(literal(selector))); \
        return !!el && (!\(visible) || \(isVisible)(el)); };
          if (check()) return resolve(true);
          const stopAt = Date.now() + \(timeoutMs);
          const observer = new MutationObserver(() => { if (check()) done(true); });
          const timer = setInterval(() => { if (check()) done(true); else if (Date.now() >= stopAt) done(false); }, 50);
          function done(value) { observer.disconnect(); clearInterval(timer); resolve(value); }
          observer.observe(document, { childList: true, subtree: true, attributes: true });
        })
        """
    }

    /// The caller's predicate as a function; a trailing `;` is tolerated.
    static func predicate(_ expression: String) -> String {
        var body = expression
        while let last = body.last, last == ";" || last.isWhitespace { body.removeLast() }
        return "(() => (\n\(body)\n))"
    }

    /// `{ok: bool, error?: string}` for the predicate, right now (a throw counts as false).
    static func predicateCheck(_ expression: String) -> String {
        """
        (() => { try { return { ok: !!(\(predicate(expression)))() }; } \
        catch (e) { return { ok: false, error: String(e) }; } })()
        """
    }

    /// A promise of `{ok, error?}`: ok as soon as the predicate is truthy (checked every 30 ms, awaiting
    /// promises it returns; a throw counts as false and is remembered), not ok after `timeoutMs`.
    static func predicateWait(_ expression: String, timeoutMs: Int) -> String {
        """
        new Promise(resolve => {
          const fn = \(predicate(expression));
          const stopAt = Date.now() + \(timeoutMs);
          let lastError = null, busy = false;
          const tick = async () => {
            if (busy) return;
            busy = true;
            try { if (await fn()) { clearInterval(timer); return resolve({ ok: true }); } lastError = null; }
            catch (e) { lastError = String(e); }
            busy = false;
            if (Date.now() >= stopAt) { clearInterval(timer); resolve({ ok: false, error: lastError }); }
          };
          const timer = setInterval(tick, 30);
          tick();
        })
        """
    }

    /// Scrolls the element into the middle of the viewport and returns `{found, visible, x, y}` with
    /// its box centre in viewport coordinates.
    static func elementCenter(_ selector: String) -> String {
        """
        (() => {
          const el = document.querySelector(\(literal(selector)));
          if (!el) return { found: false };
          el.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
          const r = el.getBoundingClientRect();
          return { found: true, visible: \(isVisible)(el), x: r.left + r.width / 2, y: r.top + r.height / 2 };
        })()
        """
    }

    /// Focuses the element with the caret at the end of its text, or with `selectAll` its whole text
    /// selected so the next key replaces it; returns whether it was found.
    static func focus(_ selector: String, selectAll: Bool) -> String {
        """
        (() => {
          const el = document.querySelector(\(literal(selector)));
          if (!el) return false;
          el.focus();
          const all = \(selectAll);
          if (typeof el.value === "string" && typeof el.setSelectionRange === "function") {
            try { el.setSelectionRange(all ? 0 : el.value.length, el.value.length); } catch (e) { if (all) el.select(); }
          } else if (el.isContentEditable) {
            const range = document.createRange();
            range.selectNodeContents(el);
            if (!all) range.collapse(false);
            const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
          }
          return true;
        })()
        """
    }

    /// Chooses the option with `value` in a `<select>` and fires input and change, as a user's choice
    /// does. Returns `"ok"`, `"not_found"`, `"not_select"` or `"no_option"`.
    static func select(_ selector: String, value: String) -> String {
        """
        (() => {
          const el = document.querySelector(\(literal(selector)));
          if (!el) return "not_found";
          if (!(el instanceof HTMLSelectElement)) return "not_select";
          const option = Array.from(el.options).find(o => o.value === \(literal(value)));
          if (!option) return "no_option";
          el.focus();
          el.value = option.value;
          el.dispatchEvent(new Event("input", { bubbles: true }));
          el.dispatchEvent(new Event("change", { bubbles: true }));
          return "ok";
        })()
        """
    }

    /// Everything a capture reads from the DOM in one round trip: html, title and url always; metadata
    /// and navigation timing when asked.
    static func snapshot(html: Bool, metadata: Bool, timing: Bool) -> String {
        """
        (() => {
          const out = { title: document.title, url: location.href };
          if (\(html)) out.html = \(content);
          if (\(metadata)) out.metadata = \(metadataFunction)();
          if (\(timing)) out.timing = \(timingFunction)();
          return out;
        })()
        """
    }

    /// Title, description, canonical URL, `og:*`, `twitter:*` (first value of each wins) and every
    /// parseable JSON-LD block.
    static let metadataFunction = """
        (() => {
          const content = sel => { const el = document.querySelector(sel); return el ? el.getAttribute("content") : null; };
          const og = {}, twitter = {};
          for (const m of document.querySelectorAll("meta[property], meta[name]")) {
            const key = (m.getAttribute("property") || m.getAttribute("name") || "").trim();
            const value = m.getAttribute("content");
            if (value === null) continue;
            if (key.startsWith("og:") && !(key.slice(3) in og)) og[key.slice(3)] = value;
            else if (key.startsWith("twitter:") && !(key.slice(8) in twitter)) twitter[key.slice(8)] = value;
          }
          const jsonLd = [];
          for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
            try { jsonLd.push(JSON.parse(s.textContent)); } catch (e) {}
          }
          const canonical = document.querySelector('link[rel~="canonical"]');
          return {
            title: document.title || null,
            description: content('meta[name="description"]'),
            canonical_url: canonical ? canonical.href : null,
            open_graph: og, twitter: twitter, json_ld: jsonLd,
          };
        })
        """

    /// Navigation timing of the current document in ms from its navigation start (null when not reached).
    static let timingFunction = """
        (() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const fcp = performance.getEntriesByName("first-contentful-paint")[0];
          const ms = v => (v > 0 ? Math.round(v * 10) / 10 : null);
          return {
            ttfb_ms: nav ? ms(nav.responseStart) : null,
            dom_content_loaded_ms: nav ? ms(nav.domContentLoadedEventEnd) : null,
            load_ms: nav ? ms(nav.loadEventEnd) : null,
            first_contentful_paint_ms: fcp ? ms(fcp.startTime) : null,
          };
        })
        """

    /// `{y, height, viewport}`: scroll position, document height and viewport height.
    static let scrollMetrics = """
        (() => { const s = document.scrollingElement || document.documentElement; \
        return { y: window.scrollY, height: s ? s.scrollHeight : 0, viewport: window.innerHeight }; })()
        """

    /// Scrolls by `px` (instantly) and returns the scroll metrics.
    static func scrollBy(_ px: Int) -> String {
        "(() => { window.scrollBy({ top: \(px), left: 0, behavior: \"instant\" }); return \(scrollMetrics); })()"
    }

    /// Scrolls to the bottom (instantly) and returns the scroll metrics.
    static let scrollToBottom = """
        (() => { const s = document.scrollingElement || document.documentElement; \
        window.scrollTo({ top: s ? s.scrollHeight : 0, left: 0, behavior: "instant" }); return \(scrollMetrics); })()
        """

    /// After a `to_bottom` step: `predicate`'s verdict (as `predicateCheck`) and then the scroll metrics,
    /// in one evaluation.
    static func predicateCheckAndMetrics(_ expression: String) -> String {
        """
        (() => { let check; try { check = { ok: !!(\(predicate(expression)))() }; } \
        catch (e) { check = { ok: false, error: String(e) }; } \
        return Object.assign(\(scrollMetrics), check); })()
        """
    }

    /// A JSON literal of `text`, safe to splice into JavaScript.
    static func literal(_ text: String) -> String {
        JSONValue.string(text).jsonString()
    }

    /// `expression` evaluated once the document is parsed (`DOMContentLoaded`), as a promise of its
    /// value (awaited too when `awaitPromise`).
    static func afterParsing(_ expression: String, awaitPromise: Bool) -> String {
        let value = awaitPromise ? "await (\(expression))" : "(\(expression))"
        return "(async () => { if (document.readyState === 'loading') await new Promise(done => "
            + "addEventListener('DOMContentLoaded', done, { once: true })); return \(value); })()"
    }
}
