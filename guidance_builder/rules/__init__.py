"""The rules as data: typed facts, CEL conditions, and the rules program both engines run."""
