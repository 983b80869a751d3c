"""SYNTHETIC demo data for BIA (Biarritz pack): nothing in this package is real data."""

from bia.demo.generator import generate_history
from bia.demo.pack import load_pack

__all__ = ["generate_history", "load_pack"]
