"""The statistical model of official-document Chinese behind the context typo check.

Built by ``scripts/build_lm.py`` into ``models/typo-lm/`` (shipped as ``gkcheck/_data/models``);
loaded on first use only (a run with T020 off never reads it). The arrays are memory-mapped;
the lexicon (words, the masked-word index, confusion sets, names) is one marshal file.
"""

from __future__ import annotations

import marshal
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


@dataclass(frozen=True)
class Model:
    table: Any              # numpy uint16[65536]: code point -> character index (0: not modelled)
    unigram: Any            # numpy uint32[n]: character counts
    keys: Any               # numpy uint32, sorted: a << 13 | b of every seen bigram
    counts: Any             # numpy uint16: its count
    frequent: Any           # numpy uint8[2**23] (memory-mapped): bitset of the bigrams seen more
                            # than RARE times, built by scripts/build_lm.py
    pairs: array            # the same keys and counts as Python arrays (one lookup at a time)
    pair_counts: array
    words: dict[str, int]   # known words -> frequency
    masked: dict[str, str]  # word with one character replaced by "?" -> the characters that fill it
    confuse: dict[str, str]  # character -> sound/shape neighbours
    names: frozenset[str]   # place names and the like, never "corrected"
    known: frozenset[str]   # every word a text may contain as written (words + rarer jieba words)
    surnames: str
    total: int

    def index(self, ch: str) -> int:
        o = ord(ch)
        return int(self.table[o]) if o < 65536 else 0

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


@cache
def load(folder: Path | None = None) -> Model:
    import numpy as np

    folder = folder or model_dir()
    lex = marshal.loads((folder / "lexicon.marshal").read_bytes())
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r")
              for name in ("chars", "unigram", "bigram_keys", "bigram_counts", "frequent")}
    return Model(frequent=arrays["frequent"],
                 pairs=array("I", arrays["bigram_keys"].astype("<u4").tobytes()),
                 pair_counts=array("H", arrays["bigram_counts"].astype("<u2").tobytes()),
                 table=arrays["chars"], unigram=arrays["unigram"], keys=arrays["bigram_keys"],
                 counts=arrays["bigram_counts"], words=lex["words"], masked=lex["masked"],
                 confuse=lex["confuse"], names=frozenset(lex["names"]),
                 known=frozenset(lex["words"]).union(lex["other_words"]), surnames=lex["surnames"],
                 total=int(lex["total"]))
