/// X12 TA1 interchange note codes (data element I18, TA105).
public enum InterchangeNoteCode: String, Sendable, Codable {
    case noError = "000"
    case controlNumberMismatch = "001"
    case standardNotSupported = "002"
    case versionNotSupported = "003"
    case invalidSegmentTerminator = "004"
    case invalidSenderQualifier = "005"
    case invalidSenderID = "006"
    case invalidReceiverQualifier = "007"
    case invalidReceiverID = "008"
    case invalidAuthorizationQualifier = "010"
    case invalidAuthorization = "011"
    case invalidSecurityQualifier = "012"
    case invalidSecurity = "013"
    case invalidDate = "014"
    case invalidTime = "015"
    case invalidStandardsIdentifier = "016"
    case invalidVersion = "017"
    case invalidControlNumber = "018"
    case invalidAcknowledgmentRequested = "019"
    case invalidTestIndicator = "020"
    case invalidGroupCount = "021"
    case invalidControlStructure = "022"
    case prematureEndOfFile = "023"
    case invalidContent = "024"
    case duplicateControlNumber = "025"
    case invalidElementSeparator = "026"
    case invalidComponentSeparator = "027"
}

/// X12 functional group error codes (data element 716: AK905…AK909).
public enum GroupErrorCode: String, Sendable, Codable {
    case groupNotSupported = "1"
    case versionNotSupported = "2"
    case trailerMissing = "3"
    case controlNumberMismatch = "4"
    case setCountMismatch = "5"
    case controlNumberInvalid = "6"
    case controlNumberNotUnique = "19"
}

/// X12 transaction set error codes (data element 718: AK502…AK506, IK502…).
public enum TransactionSetErrorCode: String, Sendable, Codable {
    case setNotSupported = "1"
    case trailerMissing = "2"
    case controlNumberMismatch = "3"
    case segmentCountMismatch = "4"
    case segmentsInError = "5"
    case invalidSetIdentifier = "6"
    case invalidControlNumber = "7"
    case setNotInGroup = "10"
    case controlNumberNotUnique = "23"
}

/// X12 segment syntax error codes (data element 720: AK304, IK304).
public enum SegmentErrorCode: String, Sendable, Codable {
    case unrecognizedSegment = "1"
    case unexpectedSegment = "2"
    case mandatorySegmentMissing = "3"
    case loopOverMaximum = "4"
    case segmentOverMaximumUse = "5"
    case segmentNotInSet = "6"
    case segmentOutOfSequence = "7"
    case segmentHasElementErrors = "8"
}

/// X12 element syntax error codes (data element 723: AK403, IK403).
public enum ElementErrorCode: String, Sendable, Codable {
    case mandatoryElementMissing = "1"
    case conditionalElementMissing = "2"
    case tooManyElements = "3"
    case tooShort = "4"
    case tooLong = "5"
    case invalidCharacter = "6"
    case invalidCode = "7"
    case invalidDate = "8"
    case invalidTime = "9"
    case exclusionViolated = "10"
    case tooManyRepetitions = "12"
    case tooManyComponents = "13"
}

/// UN/EDIFACT syntax error codes (data element 0085, used in CONTRL).
public enum SyntaxErrorCode: String, Sendable, Codable {
    case syntaxNotSupported = "2"
    case invalidValue = "12"
    case missing = "13"
    case valueNotSupportedInPosition = "14"
    case notSupportedInPosition = "15"
    case tooManyConstituents = "16"
    case unspecified = "18"
    case invalidDecimalNotation = "19"
    case invalidServiceCharacter = "20"
    case invalidCharacters = "21"
    case invalidServiceSegmentTag = "22"
    case duplicateDetected = "26"
    case referencesDoNotMatch = "28"
    case controlCountMismatch = "29"
    case groupsAndMessagesMixed = "30"
    case lowerLevelEmpty = "32"
    case invalidOccurrenceOutside = "33"
    case tooManySegmentRepetitions = "35"
    case tooManyGroupRepetitions = "36"
    case invalidTypeOfCharacters = "37"
    case elementTooLong = "39"
    case elementTooShort = "40"
}
