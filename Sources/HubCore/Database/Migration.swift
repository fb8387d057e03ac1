import Crypto
import Foundation

/// One forward-only schema change: `Migrations/NNNN_name.sql`, applied once, in order.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// SHA-256 of the file, recorded when applied so a later edit is noticed.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The migrations shipped with this build, in version order.
    public static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationFileError.missingFolder
        }
        return try load(from: folder)
    }

    /// Reads every `NNNN_name.sql` in `folder`, refusing gaps, duplicates and stray files.
    static func load(from folder: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        var migrations: [Migration] = []
        for file in files {
            guard file.hasSuffix(".sql") else { continue }
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw MigrationFileError.badName(file)
            }
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        for (index, migration) in migrations.enumerated() where migration.version != index + 1 {
            throw MigrationFileError.notConsecutive(expected: index + 1, found: migration.version)
        }
        return migrations
    }
}

/// The migration files themselves are wrong: a packaging or authoring mistake.
public enum MigrationFileError: Error, Equatable, CustomStringConvertible {
    case missingFolder
    case badName(String)
    case notConsecutive(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .missingFolder: "the Migrations folder is missing from the HubCore resources"
        case .badName(let file): "migration file \(file) is not named NNNN_name.sql"
        case .notConsecutive(let expected, let found): "expected migration \(expected) but found \(found): versions must be consecutive"
        }
    }
}
