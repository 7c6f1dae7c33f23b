"""Prefect flows that compose the tasks, their schedules and deployments, and the CLI."""
