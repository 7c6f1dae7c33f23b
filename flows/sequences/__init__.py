"""The flows' own code, free of Prefect: each flow (flows/*.py) runs its sequence with Prefect's steps
(task runs, retries, artifacts on a server); a one-shot command with no Prefect server to record to
runs the same sequence with plain steps (`steps.PlainSteps`) and says so in one line, rather than pay
for a temporary server whose history is lost at exit (issue 12)."""
