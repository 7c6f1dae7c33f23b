"""Returns: a file's bytes → a verdict. Pure steps (sniff, pre-checks, read, validate); no I/O, no database."""
