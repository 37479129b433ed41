"""The instrument contract: the YAML definitions in this folder and the code that validates
them (schema, catalogue of kinds, import-file columns, codebook rows).

Everything else in the project stands on this package and it imports nothing of theirs."""
