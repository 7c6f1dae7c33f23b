"""Pipeline steps as plain functions: values in, values out. Prefect wrappers live in flows/."""

import logging

# A library's loggers stay silent unless the program configures logging (the Python documentation's
# advice for libraries): without this, a warning logged with its traceback in a reading child reaches
# the operator's terminal through logging's last-resort handler — a read-only ledger printed the same
# traceback once per job before the one Chinese line that says what to do.
logging.getLogger(__name__).addHandler(logging.NullHandler())
