"""engram_client: a Python client for Engram, Dense Associative Memories over HTTP.

>>> from engram_client import Engram
>>> engram = Engram("http://127.0.0.1:8080")
>>> letters = engram.create_store("letters", "mrdam", dim=4, beta=8)
>>> letters.add([[1, 0, 0, 1], [0, 1, 1, 0]], ids=["A", "B"])        # doctest: +SKIP
>>> letters.recall([0.8, 0.3, 0.1, 0.9], depth=100).nearest.id      # doctest: +SKIP
array(['A'], dtype='<U1')
"""

from .client import (
    Engram,
    EngramError,
    EnergyResult,
    Memory,
    Nearest,
    RecallResult,
    RecallWarning,
    Store,
)
from .features import DenseTransform, DistributedSnapshot, Features, StructuredTransform

__all__ = [
    "DenseTransform", "DistributedSnapshot", "Engram", "EngramError", "EnergyResult", "Features", "Memory", "Nearest",
    "RecallResult", "RecallWarning", "Store", "StructuredTransform",
]
__version__ = "0.1.0"
