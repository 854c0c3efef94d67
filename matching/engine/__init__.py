"""The matcher's model-free core: encoder, the e5 rebuild, passages, ranking, vector I/O and the
evaluation measures. Nothing here imports Django (an import-linter contract checks it), so each
piece can be read, tested and benchmarked on its own; `matching` wires it to the database."""
