import Headless
import RenderTypes

/// What a render sets on its page that a later render on the same page re-applies rather than undoes:
/// the stealth settings (with the config's user agent), which make the persona's emulation overrides
/// (user agent and client hints, locale, time zone, cores, colour scheme, `navigator.webdriver`), and
/// the Accept-Language header, which becomes the emulated language list. Chromium cannot undo all of
/// them (the core count has no reset), so a page that carries them serves only renders with the same
/// settings; a render with other settings gets a fresh page.
struct PageSettings: Hashable, Sendable {
    let stealth: StealthConfig
    let acceptLanguage: String?

    init(_ request: CheckedRenderRequest) {
        stealth = request.stealth
        acceptLanguage = request.config.headers.first { $0.key.lowercased() == "accept-language" }?.value
    }
}
