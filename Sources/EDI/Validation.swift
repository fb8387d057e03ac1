/// Reads and validates whole inputs in one streaming pass.
public enum EDIValidation {
    /// Validates every interchange of `source`; `progress` receives bytes read roughly every megabyte.
    public static func validate<S: ByteSource>(
        source: S, checker: (any TransactionSetChecker)? = nil, keepAcceptedSets: Bool = true,
        progress: ((Int) -> Void)? = nil
    ) throws(EDIReadError) -> [InterchangeReport] {
        let reader = InterchangeReader(source: source)
        var validator = EnvelopeValidator(checker: checker, keepAcceptedSets: keepAcceptedSets)
        var reports: [InterchangeReport] = []
        var nextProgress = 1 << 20
        while let event = try reader.next() {
            if let r = validator.consume(event) { reports.append(r) }
            if let progress, reader.bytesRead >= nextProgress {
                progress(reader.bytesRead)
                nextProgress = reader.bytesRead + (1 << 20)
            }
        }
        if let r = validator.finish(at: reader.bytesRead) { reports.append(r) }
        return reports
    }

    /// Validates bytes already in memory.
    public static func validate(_ bytes: [UInt8], checker: (any TransactionSetChecker)? = nil) throws(EDIReadError) -> [InterchangeReport] {
        try validate(source: InMemoryByteSource(bytes), checker: checker)
    }
}
