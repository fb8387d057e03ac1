/// Upper bounds that keep hostile documents cheap to refuse.
///
/// The defaults follow ../shared/research/security-reliability.md §2.2: libxml2 2.9.14 spends
/// quadratic time on attribute-heavy start tags, so the count and size are checked in Swift
/// before libxml2 sees the bytes.
public struct XMLLimits: Sendable, Hashable {
    /// Largest accepted input, in bytes.
    public var maxInputBytes: Int
    /// Deepest accepted element nesting.
    public var maxDepth: Int
    /// Most attributes (including namespace declarations) on one start tag.
    public var maxAttributesPerElement: Int
    /// Longest start tag, in bytes, from `<` to `>` (bounds any single attribute value).
    public var maxStartTagBytes: Int

    /// Creates limits; every value must be positive.
    public init(
        maxInputBytes: Int = 8 * 1024 * 1024,
        maxDepth: Int = 64,
        maxAttributesPerElement: Int = 256,
        maxStartTagBytes: Int = 64 * 1024
    ) {
        self.maxInputBytes = max(1, maxInputBytes)
        self.maxDepth = max(1, maxDepth)
        self.maxAttributesPerElement = max(1, maxAttributesPerElement)
        self.maxStartTagBytes = max(16, maxStartTagBytes)
    }

    /// Limits for business documents (8 MiB, depth 64, 256 attributes, 64 KiB start tags).
    public static let businessDocument = XMLLimits()
}
