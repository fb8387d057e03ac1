import PostgresNIO

/// Turns PostgreSQL's errors into domain errors where they mean something to a user.
enum DatabaseErrorTranslation {
    static func translate(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState] else { return error }
        switch state {
        case "23505":  // unique_violation
            return HubError.conflict(uniqueViolationMessage(constraint: psql.serverInfo?[.constraintName]))
        case "22021":  // character_not_in_repertoire: text the request carried that PostgreSQL cannot store
            return HubError.invalid("/", "text must be UTF-8 without NUL characters")
        case "42501" where psql.serverInfo?[.message]?.contains("row-level security") == true:
            // Writing a row of another tenant: answer as if it did not exist.
            return HubError.notFound("object")
        default:
            return UnexpectedDatabaseError(sqlState: state, message: serverMessage(psql))
        }
    }

    /// PostgreSQL's own words for what went wrong, for operators; PostgresNIO hides them by default.
    static func serverMessage(_ error: any Error) -> String {
        guard let psql = error as? PSQLError, let info = psql.serverInfo else { return String(reflecting: error) }
        return [info[.message], info[.detail], info[.hint]].compactMap { $0 }.joined(separator: " — ")
    }

    private static func uniqueViolationMessage(constraint: String?) -> String {
        switch constraint {
        case "login_emails_pkey", "users_tenant_id_email_key": "a user with this e-mail address already exists"
        case "tenants_slug_key": "a tenant with this slug already exists"
        case "partnerships_one_open_pair": "these two companies already have an open partnership or invitation"
        default: "this would duplicate an existing record"
        }
    }
}

/// A database error no domain error stands for: a bug or an outage. Logged, never shown to API clients.
public struct UnexpectedDatabaseError: Error, CustomStringConvertible {
    public let sqlState: String
    public let message: String

    public var description: String { "database error \(sqlState): \(message)" }
}

/// The database is reachable but not set up the way the hub needs.
public enum DatabaseSetupError: Error, CustomStringConvertible {
    case unsafeAppRole(String)
    case cannotCreateRoles(String)
    case changedMigration(version: Int, name: String)
    case migrationFailed(version: Int, name: String, reason: String)
    case cannotCreateDatabase(name: String, reason: String)
    case unknownMigration(version: Int)
    case postgresNotFound
    case commandFailed(command: String, status: Int32, output: String)
    case unreachableDataDirectory(path: String, user: String)

    public var description: String {
        switch self {
        case .unsafeAppRole(let role):
            "the database role \(role) is a superuser or bypasses row-level security; the server must connect as a role that does neither (the hub_app role created by `partnerhub migrate`)"
        case .cannotCreateRoles(let detail):
            "could not create the roles hub_owner, hub_auth and hub_app (\(detail)); run `partnerhub migrate` with an administrator that has CREATEROLE, or create them as the README describes"
        case .changedMigration(let version, let name):
            "migration \(version) (\(name)) was changed after it was applied; migrations are forward-only, so add a new numbered migration instead"
        case .migrationFailed(let version, let name, let reason):
            "migration \(version) (\(name)) failed and was rolled back: \(reason)"
        case .cannotCreateDatabase(let name, let reason):
            "could not create the database \(name): \(reason)"
        case .unknownMigration(let version):
            "the database has migration \(version) applied, which this build does not know; it was migrated by a newer PartnerHub"
        case .postgresNotFound:
            "no PostgreSQL server binaries found (initdb, pg_ctl); install the Debian package postgresql, or set DATABASE_URL to use an existing server"
        case .commandFailed(let command, let status, let output):
            "\(command) exited with status \(status): \(output)"
        case .unreachableDataDirectory(let path, let user):
            "the PostgreSQL user \(user) cannot reach \(path); choose a --data-dir outside private home folders (for example under /var/lib or /srv)"
        }
    }
}
