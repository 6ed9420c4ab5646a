"""Dictionary checks (typo, expression, sensitive): one Aho-Corasick pass over every entry.

All enabled dictionary entries and all allowed words go into one leftmost-longest automaton,
so a wrong form inside a longer correct word is shadowed by that word, and of two overlapping
entries the longest wins. Each hit then passes its entry's conditions (context before and
after, the sentence, word boundaries, the document date); only hits with conditions pay for
them, and segmentation runs only for entries marked ``word``, on the sentence around the hit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..config import Config
from ..dictionary import Entry, bundled_dictionaries, load_allowlist, load_dictionary
from ..matcher import compile_matcher
from ..model import Hit
from ..resources import data_dir
from ..rules import Rule
from ..textview import Context, TextView

WINDOW = 12          # characters looked at before/after a hit
SENTENCE_MAX = 160   # how far to look for a sentence boundary
_SENTENCE_END = "。！？；!?;\n"


def load_entries(config: Config, enabled: set[str]) -> tuple[list[Entry], list[str]]:
    """Entries of enabled rules (later files override earlier ones) and allowed words."""
    by_match: dict[str, Entry] = {}
    allowed: list[str] = list(config.allow)
    files = [(p, True) for p in bundled_dictionaries(data_dir("dictionaries"))]
    files += [(Path(p), False) for p in config.dictionaries]
    for path, bundled in files:
        dic = load_dictionary(path, bundled=bundled)
        allowed.extend(dic.allowed)
        for entry in dic.entries:
            if entry.rule in enabled:
                by_match[entry.match] = entry
    for path in config.allowlists:
        allowed.extend(load_allowlist(path))
    allowed_set = set(allowed)
    entries = [e for m, e in by_match.items() if m not in allowed_set]
    return entries, sorted(allowed_set)


class DictionaryDetector:
    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]):
        codes = {c for c in enabled if rules[c].detector == "dictionary"}
        entries, allowed = load_entries(config, codes)
        self._entries: list[Entry | None] = [*entries, *([None] * len(allowed))]
        self._matcher = compile_matcher([e.match for e in entries] + allowed)
        self.size = len(entries)

    def detect(self, view: TextView, ctx: Context) -> Iterator[Hit]:
        text = view.text
        entries = self._entries
        for index, start, end in self._matcher.find(text):
            entry = entries[index]
            if entry is None:
                continue
            cond = entry.conditions
            if cond.needs_context and not _conditions_hold(entry, text, start, end, ctx):
                continue
            yield Hit(entry.rule, start, end, suggestion=entry.suggestion,
                      severity=cond.severity, note=entry.note or None)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - SENTENCE_MAX)
    s = max(text.rfind(ch, lo, start) for ch in _SENTENCE_END) + 1
    s = max(s, lo)
    hi = min(len(text), end + SENTENCE_MAX)
    ends = [i for i in (text.find(ch, end, hi) for ch in _SENTENCE_END) if i >= 0]
    return s, (min(ends) + 1 if ends else hi)


def _conditions_hold(entry: Entry, text: str, start: int, end: int, ctx: Context) -> bool:
    c = entry.conditions
    if c.since is not None and ctx.doc_date < c.since:
        return False
    if c.before or c.not_before:
        before = text[max(0, start - WINDOW):start].rpartition("\n")[2]
        if c.before and not c.before.search(before):
            return False
        if c.not_before and c.not_before.search(before):
            return False
    if c.after or c.not_after:
        after = text[end:end + WINDOW].partition("\n")[0]
        if c.after and not c.after.match(after):
            return False
        if c.not_after and c.not_after.match(after):
            return False
    if c.near or c.not_near or c.word:
        s, e = _sentence(text, start, end)
        sentence = text[s:e]
        if c.near and not c.near.search(sentence):
            return False
        if c.not_near and c.not_near.search(sentence):
            return False
        if c.word and not _on_word_boundaries(sentence, start - s, end - s):
            return False
    return True


def _on_word_boundaries(sentence: str, start: int, end: int) -> bool:
    import rjieba  # loaded only when an entry needs word boundaries

    bounds = {0}
    for _, s, e in rjieba.tokenize(sentence):
        bounds.add(s)
        bounds.add(e)
    return start in bounds and end in bounds
