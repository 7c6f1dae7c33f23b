"""Drafts: the annual report draft (.docx) from the year's figures and the Word template."""
