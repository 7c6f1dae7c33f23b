"""Sample townships for the demo and the benchmark; not part of the pipeline."""
