// LoginFlow — a stateful flow across calls: log in on one render, then visit two pages in the
// same session and print what the dashboard says.
//
// What it shows: `renderDynamicWithSession` with one `SessionID` across three calls. The first
// call types into the login form and clicks submit; the server answers with an HttpOnly session
// cookie, which Tidepool keeps in the session and puts back into the next calls' fresh browser
// contexts, so /dashboard greets the user and /cookies shows the cookie arriving.
//
// Run it against a local server:
//     make serve                                   # terminal 1: Tidepool on 127.0.0.1:9123
//     swift run LoginFlow --serve-fixtures         # terminal 2: starts the fixture site itself
// or against a fixture site already running (`make fixtures` prints its URL):
//     swift run LoginFlow --site http://127.0.0.1:PORT [--server http://host:9123] [--user bob]

import ArgumentParser
import ExampleSupport
import RenderTypes
import RpcClient
import SessionContext

@main
struct LoginFlowExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "LoginFlow", abstract: "Log in on the fixture site, then read the dashboard in the same session."
    )

    @OptionGroup var options: ExampleOptions
    @Option(help: "User name to log in with (any name works on the fixture site).") var user = "alice"
    @Option(help: "Password (the fixture site's is hunter2).") var password = "hunter2"

    func run() async throws {
        let outcome = try await options.run { client, site in
            try await Self.flow(client: client, site: site, user: user, password: password)
        }
        print("session \(outcome.sessionID): logged in, landed on \(outcome.landedOn)")
        print("dashboard says: \(outcome.dashboardGreeting)")
        print("cookies the site received on the next page: \(outcome.cookiesSeenBySite.sorted().joined(separator: ", "))")
    }

    /// What the flow saw.
    struct Outcome: Sendable {
        var sessionID: SessionID
        /// Where the login form's submit led.
        var landedOn: String
        /// The dashboard's greeting, e.g. "Welcome, alice".
        var dashboardGreeting: String
        /// Names of the cookies the site's /cookies page received in the same session.
        var cookiesSeenBySite: Set<String>
    }

    /// Logs `user` in at `site` in a new session, then renders /dashboard and /cookies in it.
    /// Throws `ExampleError` when the dashboard does not greet the user.
    static func flow(client: RpcClient, site: String, user: String, password: String) async throws -> Outcome {
        let session = SessionID.generate()

        // Call 1: fill in the form and submit; wait for the dashboard's greeting, or the form's
        // error when the site refuses the password.
        let login = DynamicConfig(
            actions: [
                .type("#username", user),
                .type("#password", password),
                .click("#submit"),
                .wait(.any([.selector("#welcome"), .selector("#error")], timeoutMs: 10_000)),
            ]
        )
        let loggedIn = try await client.renderDynamicWithSession(url: site + "/login.html", config: login, sessionID: session)

        // Call 2: a fresh browser context, but the session's cookies come along.
        let readGreeting = DynamicConfig(actions: [.evaluate("document.querySelector('#welcome')?.textContent ?? document.body.innerText")])
        let dashboard = try await client.renderDynamicWithSession(url: site + "/dashboard", config: readGreeting, sessionID: session)
        let greeting = try dashboard.actionString(0, "dashboard greeting")
        guard dashboard.statusCode == 200, greeting.contains(user) else {
            throw ExampleError("the dashboard did not greet \(user) (HTTP \(dashboard.statusCode ?? 0)): \(greeting)")
        }

        // Call 3: the site's cookie echo shows what the browser sent.
        let readCookies = DynamicConfig(actions: [.evaluate("JSON.parse(document.querySelector('#cookies').textContent)")])
        let cookiesPage = try await client.renderDynamicWithSession(url: site + "/cookies", config: readCookies, sessionID: session)
        let cookieNames = Set(cookiesPage.actionValue(0)?.objectValue?.keys.map { $0 } ?? [])

        return Outcome(sessionID: session, landedOn: loggedIn.finalUrl, dashboardGreeting: greeting, cookiesSeenBySite: cookieNames)
    }
}
