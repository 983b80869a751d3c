"""BIA 64 200: the public-safety assistant of a French commune."""

__version__ = "0.1.0"
