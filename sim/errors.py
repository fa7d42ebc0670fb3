"""The error every input check raises: one line naming the key (or file) and what is allowed."""


class ConfigError(ValueError):
    """A configuration value outside what the model accepts."""
