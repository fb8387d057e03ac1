// X12 and EDIFACT: tokenizing, envelopes, validation, acknowledgements (issue 3).
