import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `partnerhub` executable, driven as a user would.
enum PartnerHubBinary {
    static var url: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("partnerhub")
    }

    /// Runs the command to completion; returns its exit status and everything it printed.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite struct CommandLineTests {
    @Test func helpListsEveryCommand() throws {
        let (status, output) = try PartnerHubBinary.run(["--help"])
        #expect(status == 0)
        for command in ["serve", "migrate", "demo", "tenant", "user", "token", "edi", "mappings"] {
            #expect(output.contains("  \(command)"), "--help does not list \(command)")
        }
    }

    @Test(arguments: [["serve", "--help"], ["user", "create", "--help"], ["token", "create", "--help"], ["tenant", "create", "--help"]])
    func everyCommandExplainsItself(arguments: [String]) throws {
        let (status, output) = try PartnerHubBinary.run(arguments)
        #expect(status == 0 && output.contains("USAGE:") && output.contains("--data-dir"))
    }

    @Test func badArgumentsAreRefusedWithTheReason() throws {
        let port = try PartnerHubBinary.run(["serve", "--port", "99999"])
        #expect(port.status != 0 && port.output.contains("--port must be from 0 to 65535"))
        let missing = try PartnerHubBinary.run(["user", "create", "--tenant", "x"])
        #expect(missing.status != 0 && missing.output.contains("Missing expected argument '--email"))
        let role = try PartnerHubBinary.run(["user", "create", "--tenant", "x", "--email", "a@b.example", "--name", "A", "--role", "king"])
        #expect(role.status != 0 && role.output.contains("king"))
        let url = try PartnerHubBinary.run(["migrate", "--database-url", "mysql://x@y/z"])
        #expect(url.status != 0 && url.output.contains("invalid database URL"))
    }

    @Test func translateReverseWritesAWholeInterchangeAndRefusesHalfAnEnvelope() throws {
        let json = "edi-mappings/x12/tests/867-sell-through/interchange.json"
        let reverse = ["edi", "translate", json, "--reverse", "--mapping", "x12/867-sell-through.yaml"]
        let written = try PartnerHubBinary.run(reverse + ["--sender", "ZZ:PREMIERDIST", "--receiver", "ZZ:ACME", "--control-number", "12"])
        #expect(written.status == 0 && written.output.hasPrefix("ISA*00*") && written.output.hasSuffix("GE*2*12~\nIEA*1*000000012~\n"))
        let half = try PartnerHubBinary.run(reverse + ["--sender", "ZZ:PREMIERDIST"])
        #expect(half.status != 0 && half.output.contains("--sender and --receiver go together"))
        let malformed = try PartnerHubBinary.run(reverse + ["--sender", "PREMIERDIST", "--receiver", "ZZ:ACME"])
        #expect(malformed.status != 0 && malformed.output.contains("`PREMIERDIST` is not QUALIFIER:ID"))
        let forward = try PartnerHubBinary.run(["edi", "translate", json, "--sender", "ZZ:A", "--receiver", "ZZ:B"])
        #expect(forward.status != 0 && forward.output.contains("only --reverse does"))
        let unmapped = try PartnerHubBinary.run(["edi", "translate", json, "--reverse"])
        #expect(unmapped.status != 0 && unmapped.output.contains("--reverse needs --mapping"))
        let stray = try PartnerHubBinary.run(reverse + ["--control-number", "3"])
        #expect(stray.status != 0 && stray.output.contains("apply to the interchange of --sender and --receiver"))
    }
}

/// The README's promise: one command brings up the hub with the demo world on its own PostgreSQL.
@Suite struct ServeSmokeTests {
    @Test(.timeLimit(.minutes(3)))
    func serveDemoAnswersHealthLoginAndATenantScopedListThenStopsCleanly() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("partnerhub-smoke-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let process = Process()
        process.executableURL = PartnerHubBinary.url
        process.arguments = ["serve", "--demo", "--port", "0", "--data-dir", dataDir, "--log-level", "warning"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let lines = LineCollector(output.fileHandleForReading)
        let banner = try #require(await lines.first { $0.contains("listening on http://") }, "no banner; output:\n\(lines.all)")
        let base = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        #expect(lines.all.contains("carla@northwind.example"))

        let health = try await URLSession.shared.data(from: URL(string: base + "/healthz")!)
        #expect((health.1 as? HTTPURLResponse)?.statusCode == 200)

        var login = URLRequest(url: URL(string: base + "/api/v1/auth/login")!)
        login.httpMethod = "POST"
        login.setValue("application/json", forHTTPHeaderField: "Content-Type")
        login.httpBody = Data(#"{"email":"carla@northwind.example","password":"partner-demo-2026"}"#.utf8)
        let (_, loginResponse) = try await URLSession.shared.data(for: login)
        let httpLogin = try #require(loginResponse as? HTTPURLResponse)
        #expect(httpLogin.statusCode == 200)
        let cookie = try #require(httpLogin.value(forHTTPHeaderField: "Set-Cookie")?.split(separator: ";").first.map(String.init))

        var list = URLRequest(url: URL(string: base + "/api/v1/partnerships")!)
        list.setValue(cookie, forHTTPHeaderField: "Cookie")
        let (body, listResponse) = try await URLSession.shared.data(for: list)
        #expect((listResponse as? HTTPURLResponse)?.statusCode == 200)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("summit-distribution") && text.contains("metro-av"))
        #expect(!text.contains("\"Joint bids"), "Northwind sees a partnership between two other companies")

        var leads = URLRequest(url: URL(string: base + "/api/v1/leads?status=qualified")!)
        leads.setValue(cookie, forHTTPHeaderField: "Cookie")
        let (leadBody, _) = try await URLSession.shared.data(for: leads)
        #expect(String(decoding: leadBody, as: UTF8.self).contains("Harbor Hotels"))

        var promotions = URLRequest(url: URL(string: base + "/api/v1/promotions?status=active")!)
        promotions.setValue(cookie, forHTTPHeaderField: "Cookie")
        let (promotionBody, _) = try await URLSession.shared.data(for: promotions)
        #expect(String(decoding: promotionBody, as: UTF8.self).contains("Spring headphone push"))

        var deals = URLRequest(url: URL(string: base + "/api/v1/deal-registrations?role=vendor&status=approved")!)
        deals.setValue(cookie, forHTTPHeaderField: "Cookie")
        let (dealBody, _) = try await URLSession.shared.data(for: deals)
        #expect(String(decoding: dealBody, as: UTF8.self).contains("Lakeside Arena"))

        var offers = URLRequest(url: URL(string: base + "/api/v1/lead-offers?direction=outgoing")!)
        offers.setValue(cookie, forHTTPHeaderField: "Cookie")
        let (offerBody, _) = try await URLSession.shared.data(for: offers)
        #expect(String(decoding: offerBody, as: UTF8.self).contains("Cedar Schools District"))

        // An administrative command uses the running server's cluster and leaves it running.
        let token = try PartnerHubBinary.run(["token", "create", "--email", "dina@summit.example", "--data-dir", dataDir])
        #expect(token.status == 0 && token.output.hasPrefix("phk_"), "token create printed: \(token.output)")
        var withToken = URLRequest(url: URL(string: base + "/api/v1/partnerships")!)
        withToken.setValue("Bearer \(token.output.trimmingCharacters(in: .whitespacesAndNewlines))", forHTTPHeaderField: "Authorization")
        let (tokenBody, tokenResponse) = try await URLSession.shared.data(for: withToken)
        #expect((tokenResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: tokenBody, as: UTF8.self).contains("northwind-audio"))

        process.terminate()  // SIGTERM, as a service manager would
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "exit status \(process.terminationStatus); output:\n\(lines.all)")
        #expect(!FileManager.default.fileExists(atPath: dataDir + "/postgres/postmaster.pid"), "PostgreSQL still running")
    }
}

/// Collects a child process's output line by line as it arrives.
final class LineCollector: @unchecked Sendable {
    // Guarded by `lock`.
    private var text = ""
    private let lock = NSLock()

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { handle.readabilityHandler = nil; return }
            self.lock.withLock { self.text += String(decoding: data, as: UTF8.self) }
        }
    }

    var all: String { lock.withLock { text } }

    /// Waits up to two minutes for a line matching `predicate`.
    func first(where predicate: (String) -> Bool) async -> String? {
        for _ in 0..<1200 {
            if let line = all.split(separator: "\n").map(String.init).first(where: predicate) { return line }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
