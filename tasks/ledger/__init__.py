"""The ledger: the database of submissions, findings and values; migrations; sums for drafts and summaries."""
