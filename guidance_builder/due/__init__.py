"""`guidance-builder due`: which contracts need an assessment, and by when, from the contract data councils publish."""
