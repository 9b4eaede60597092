"""Pure rules and value types. Imports nothing of the project outside ``tracker.domain``."""
