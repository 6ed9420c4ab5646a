"""The statistical model of official-document Chinese behind the context typo check.

Built by ``scripts/build_lm.py`` into ``models/typo-lm/`` (shipped as ``gkcheck/_data/models``);
loaded on first use only (a run with T020 off never reads it). Everything is a memory-mapped
numpy array (``np.load(mmap_mode="r")``): loading builds no Python dict or set of the lexicon.
Words of at most four characters are keys of 64 bits (four 16-bit character indices, see
:func:`Model.key`), looked up by binary search in sorted arrays; the vectorised window pass of
``gkcheck.typostat`` searches the masked-word index and the confusion pairs with numpy.
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..resources import data_dir

LAMBDA = 0.95   # weight of the bigram estimate against the unigram one
RARE = 2        # a bigram seen at most this often in the corpus makes a candidate
MASK = 0xFFFF   # the character index of "?" in a masked-word key


def name_key(name: str) -> int:
    """The 64-bit key of a name (any length) in ``names.npy``: BLAKE2b, 8 bytes, little end."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


class Lexicon:
    """Words -> frequency, a sorted array of word keys; frequency 0 marks a word that may be
    written (never "corrected") but is never suggested. Supports ``in`` and ``get``."""

    def __init__(self, model: "Model", keys: array, freqs: array):
        self._key, self._keys, self._freqs = model.key, keys, freqs

    def _find(self, word: str) -> int:
        k = self._key(word)
        if k < 0:
            return -1
        i = bisect_left(self._keys, k)
        return i if i < len(self._keys) and self._keys[i] == k else -1

    def __contains__(self, word: str) -> bool:
        return self._find(word) >= 0

    def get(self, word: str, default: int = 0) -> int:
        i = self._find(word)
        return self._freqs[i] if i >= 0 else default


class Targets(Lexicon):
    """The words a correction may produce: those of the lexicon with a frequency above 0."""

    def __contains__(self, word: str) -> bool:
        i = self._find(word)
        return i >= 0 and self._freqs[i] > 0


class Names:
    """Place names and the like (never "corrected"): a sorted array of :func:`name_key` hashes."""

    def __init__(self, keys: array):
        self._keys = keys

    def __contains__(self, name: str) -> bool:
        k = name_key(name)
        i = bisect_left(self._keys, k)
        return i < len(self._keys) and self._keys[i] == k


@dataclass
class Model:
    table: Any              # numpy uint16[65536]: code point -> character index (0: not modelled)
    unigram: Any            # numpy uint32[n]: character counts
    keys: Any               # numpy uint32, sorted: a << 13 | b of every seen bigram
    counts: Any             # numpy uint16: its count
    frequent: Any           # numpy uint8[2**23]: bitset of the bigrams seen more than RARE times
    word_keys: Any          # numpy uint64 sorted: key of every known word (targets and written-only)
    word_freq: Any          # numpy uint32: its frequency (0: may be written, never suggested)
    masked_keys: Any        # numpy uint64 sorted: key of a target word with one index set to MASK
    masked_ptr: Any         # numpy uint32[len + 1]: its fills are masked_fill[ptr[i]:ptr[i + 1]]
    masked_fill: Any        # numpy uint16: character indices that fill the masked place
    confuse_bits: Any       # numpy uint8[2**23]: bitset of written << 13 | neighbour (sound/shape)
    chars: str              # character index -> character ("\0" at 0)
    surnames: str
    total: int
    names: Names = None
    words: Targets = None   # the correction targets (``in``: frequency > 0; ``get``: frequency)
    known: Lexicon = None   # every word a text may contain as written
    _index: array = None
    pairs: array = None     # the bigram keys and counts as Python arrays (one lookup at a time)
    pair_counts: array = None

    def key(self, word: str) -> int:
        """Four 16-bit character indices, the first in the high bits; -1 for a word longer than
        four characters or with a character the model lacks."""
        if len(word) > 4:
            return -1
        index, k, shift = self._index, 0, 48
        for ch in word:
            o = ord(ch)
            i = index[o] if o < 65536 else 0
            if not i:
                return -1
            k |= i << shift
            shift -= 16
        return k

    def index(self, ch: str) -> int:
        o = ord(ch)
        return self._index[o] if o < 65536 else 0

    def neighbours(self, ch: str) -> str:
        """The sound and shape neighbours of ``ch`` (its row of the confusion bitset)."""
        import numpy as np

        i = self.index(ch)
        if not i:
            return ""
        row = np.unpackbits(self.confuse_bits[i << 10:(i + 1) << 10], bitorder="little")
        return "".join(self.chars[j] for j in np.flatnonzero(row).tolist())

    def bigram(self, a: int, b: int) -> int:
        if not a or not b:
            return 0
        key = (a << 13) | b
        keys = self.pairs
        i = bisect_left(keys, key)
        return self.pair_counts[i] if i < len(keys) and keys[i] == key else 0

    def logp(self, prev: str, ch: str) -> float:
        """log P(ch | prev): bigram interpolated with the (add-half) unigram estimate."""
        b = self.index(ch)
        uni = (float(self.unigram[b]) if b else 0.0) + 0.5
        p_uni = uni / self.total
        a = self.index(prev) if prev else 0
        if not a:
            return math.log(p_uni)
        ca = float(self.unigram[a]) + 1.0
        return math.log(LAMBDA * self.bigram(a, b) / ca + (1 - LAMBDA) * p_uni)


def model_dir() -> Path:
    return data_dir("models") / "typo-lm"


ARRAYS = ("chars", "unigram", "bigram_keys", "bigram_counts", "frequent", "word_keys", "word_freq",
          "masked_keys", "masked_ptr", "masked_fill", "confuse_bits", "names")


def _py(a, code: str) -> array:
    """A Python array over the bytes of a (memory-mapped) numpy array, for scalar lookups."""
    out = array(code)
    out.frombytes(a.tobytes())
    return out


@cache
def load(folder: Path | None = None) -> Model:
    import numpy as np

    folder = folder or model_dir()
    # plain ndarray views of the memory maps (no copy; indexing a np.memmap costs ~40 µs more)
    a = {name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r")) for name in ARRAYS}
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    model = Model(table=a["chars"], unigram=_py(a["unigram"], "I"), keys=a["bigram_keys"],
                  counts=a["bigram_counts"], frequent=a["frequent"], word_keys=a["word_keys"],
                  word_freq=a["word_freq"], masked_keys=a["masked_keys"], masked_ptr=a["masked_ptr"],
                  masked_fill=a["masked_fill"], confuse_bits=a["confuse_bits"],
                  chars=(folder / "chars.txt").read_text("utf-8"), surnames=meta["surnames"],
                  total=int(meta["total"]))
    model._index = _py(a["chars"], "H")
    model.pairs, model.pair_counts = _py(a["bigram_keys"], "I"), _py(a["bigram_counts"], "H")
    keys, freqs = _py(a["word_keys"], "Q"), _py(a["word_freq"], "I")
    model.known, model.words = Lexicon(model, keys, freqs), Targets(model, keys, freqs)
    model.names = Names(_py(a["names"], "Q"))
    return model
