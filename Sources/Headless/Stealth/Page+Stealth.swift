import Foundation
import Logging
import RenderTypes
import Synchronization

extension Page {
    /// Puts `profile` in place before the next document, in the page, in every out-of-process frame and
    /// in every worker it starts: user agent with client hints, platform, languages (and Accept-Language),
    /// locale, time zone, cores, colour scheme (windows only), `navigator.webdriver`, and the JavaScript
    /// patches. Workers (dedicated and service) and cross-site frames attach paused at start
    /// (`Target.setAutoAttach` with `waitForDebuggerOnStart`), get the same overrides and the script,
    /// then run; a frame auto-attaches its own workers and frames in turn (`coverRelatedTargets`;
    /// `stopCoveringRelatedTargets` ends that when the render is over). Commands go out concurrently.
    /// `browserUserAgent` stands in when only the languages or platform change.
    public func applyStealth(_ profile: StealthProfile, browserUserAgent: String, timeout: Duration? = nil)
        async throws(PageError)
    {
        let setups = WorkerPersona.Setups(profile, browserUserAgent: browserUserAgent)
        var commands: [@Sendable () async throws -> Void] = setups.windowOverrides.map { method, params in
            { try await self.send(method: method, params: params, timeout: timeout) }
        }
        // The launch switch makes navigator.webdriver false in every context; "none" puts Chromium's own
        // value back for this page only.
        let automation = CDP.Emulation.SetAutomationOverride(enabled: !profile.hideWebdriver)
        commands.append { try await self.send(automation, timeout: timeout) }
        if let script = setups.script {
            commands.append { try await self.addInitScript(script, timeout: timeout) }
        }
        if configuration.coverRelatedTargets {
            commands.append { try await self.coverRelatedTargets(setups, timeout: timeout) }
        }
        try await Self.concurrently(commands)
    }

    /// The emulation commands of `profile`, each as method and params: the same list goes to the page
    /// and to each of its workers.
    static func stealthOverrides(_ profile: StealthProfile, browserUserAgent: String) -> [(method: String, params: JSONValue?)] {
        var commands: [(method: String, params: JSONValue?)] = []
        func add(_ command: some CDPCommand) { commands.append(command.untyped) }
        if profile.userAgent != nil || profile.languages != nil || profile.platform != nil {
            add(CDP.Emulation.SetUserAgentOverride(
                userAgent: profile.userAgent ?? browserUserAgent, acceptLanguage: profile.languages?.joined(separator: ","),
                platform: profile.platform, userAgentMetadata: profile.userAgentMetadata
            ))
        }
        if let timezone = profile.timezone { add(CDP.Emulation.SetTimezoneOverride(timezoneId: timezone)) }
        if let locale = profile.locale { add(CDP.Emulation.SetLocaleOverride(locale: locale)) }
        if let cores = profile.hardwareConcurrency {
            add(CDP.Emulation.SetHardwareConcurrencyOverride(hardwareConcurrency: cores))
        }
        return commands
    }
}
