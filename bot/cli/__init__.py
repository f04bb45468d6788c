"""The command line's commands beyond `run`: `poll --once`, `sources`, `check`, `score`,
`eval` and `train`, each in a module of its own; `bot.__main__` parses and dispatches."""
