"""Intake: a dropped file → archived, stored, answered with a receipt, removed from the inbox; ordered so a crash
anywhere is finished by the next run."""
