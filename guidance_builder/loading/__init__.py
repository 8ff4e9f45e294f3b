"""Stage 1: read content files from disk into plain data that remembers where it came from."""
