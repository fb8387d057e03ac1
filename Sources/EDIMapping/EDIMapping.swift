// Declarative two-way mappings between EDI/XML and canonical JSON (issue 4).
