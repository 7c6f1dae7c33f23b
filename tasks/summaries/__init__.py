"""Summaries: what operators read — the period workbook and 催报 notice, status, the ingest run's artifact."""
