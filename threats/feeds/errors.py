"""Errors shared by every feed parser."""


class FeedFormatError(ValueError):
    """Raised by every feed parser when its input is not a valid document of its format."""
