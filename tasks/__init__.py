"""Pipeline steps as plain functions: values in, values out. Prefect wrappers live in flows/."""
