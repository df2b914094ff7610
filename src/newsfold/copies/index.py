"""The incremental copy index: fold articles in, get every new verified copy pair out.

:class:`CopyIndex` keeps, per distinct text (``content_hash``), its LSH band keys and its winnowing
anchors in two :class:`~newsfold.copies.lsh.KeyTable` s, and nothing else of the text: verifying a
candidate against a text indexed earlier re-reads that text through ``fetch_texts`` (the store) or, when
none is given, from the texts the index keeps itself.

Candidate generation is a property of the two texts alone: they share a band key, or they share at least
``min_shared_anchors`` anchors each held by at most ``max_anchor_df`` texts. Verification is exact on the
shingle sets. So folding A and then B yields exactly the pairs that folding A and B at once yields, in
any order and any batch size, with one documented exception: an anchor is skipped once more than
``max_anchor_df`` texts hold it, and a pair linked *only* through anchors that crossed that line between
two folds can be found incrementally and not at once. Texts that share real content share many rare
anchors, so in practice it does not arise; the boilerplate the cap exists for is not a copy.

Articles with the same ``content_hash`` are exact copies of each other; their text is hashed and indexed
once, and pairs found for it are reported for every article holding it.
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from newsfold.copies import kernels
from newsfold.copies.containment import compare_pairs, expand_ranges, winnow_anchors
from newsfold.copies.gcpause import cyclic_gc_paused
from newsfold.copies.lsh import Keys, KeyTable, band_keys, pairs_sharing_keys
from newsfold.copies.minhash import oph_signatures, signature_to_bytes
from newsfold.copies.options import CopyOptions
from newsfold.copies.passages import DocShingles, WordLayout, passages_from_matches, whole_text_passage
from newsfold.copies.shingles import ShingleBatch, TokenBatch, shingle_batch, tokenize_batch
from newsfold.errors import UsageError
from newsfold.model import Article, CopyKind, CopyPair, Passage

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

HASHED_CACHE_BYTES = 256 << 20
"""Bytes of hashed texts (words, shingles, offsets) one fold keeps for verifying later chunks against:
speed only, never results; freed when the fold ends."""

FetchTexts = Callable[[Sequence[str]], Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What a store keeps per article to rebuild a :class:`CopyIndex` without re-hashing texts.

    ``signature`` is the MinHash signature (``4 * num_hashes`` bytes), ``band_keys`` and ``anchor_keys``
    little-endian uint32 arrays (uint64 with ``key_bits=64``). For an article whose text was already
    indexed under another article (same ``content_hash``) the three are empty: the first article of a
    text carries them.
    ``fingerprint`` is :meth:`CopyOptions.index_fingerprint` of the options that made them.
    """

    article_id: str
    content_hash: str
    signature: bytes
    band_keys: bytes
    anchor_keys: bytes
    fingerprint: str

    def to_bytes(self) -> bytes:
        """One self-describing blob (what the store's ``copy_signatures`` table keeps per article)."""
        head = json.dumps(
            {
                "v": 1,
                "hash": self.content_hash,
                "fp": self.fingerprint,
                "sizes": [len(self.signature), len(self.band_keys), len(self.anchor_keys)],
            },
            separators=(",", ":"),
        ).encode()
        return len(head).to_bytes(4, "little") + head + self.signature + self.band_keys + self.anchor_keys

    @classmethod
    def from_bytes(cls, article_id: str, data: bytes) -> IndexEntry:
        """The inverse of :meth:`to_bytes`; raises :class:`UsageError` for a blob it did not write."""
        try:
            size = int.from_bytes(data[:4], "little")
            head = json.loads(data[4 : 4 + size])
            signature_size, bands_size, anchors_size = head["sizes"]
            body = data[4 + size :]
            if head.get("v") != 1 or len(body) != signature_size + bands_size + anchors_size:
                raise ValueError("sizes do not add up")
        except (ValueError, KeyError, TypeError) as error:
            raise UsageError(f"copy index entry of {article_id!r} is not readable ({error}); fold again") from error
        return cls(
            article_id=article_id,
            content_hash=str(head["hash"]),
            signature=body[:signature_size],
            band_keys=body[signature_size : signature_size + bands_size],
            anchor_keys=body[signature_size + bands_size :],
            fingerprint=str(head["fp"]),
        )


@dataclass(slots=True)
class FoldResult:
    """What one :meth:`CopyIndex.fold` found: new pairs (sorted) and the entries to persist."""

    pairs: list[CopyPair] = field(default_factory=list)
    entries: list[IndexEntry] = field(default_factory=list)


@dataclass(slots=True)
class _Hashed:
    """The hashed form of a chunk of texts, kept while the chunk is folded."""

    tokens: TokenBatch
    shingles: ShingleBatch

    def doc(self, row: int) -> DocShingles:
        word_lo, word_hi = int(self.tokens.doc_offsets[row]), int(self.tokens.doc_offsets[row + 1])
        lo, hi = int(self.shingles.doc_offsets[row]), int(self.shingles.doc_offsets[row + 1])
        return DocShingles(
            word_starts=self.tokens.starts[word_lo:word_hi],
            word_ends=self.tokens.ends[word_lo:word_hi],
            shingle_hashes=self.shingles.hashes[lo:hi],
            shingle_first_word=self.shingles.first_word[lo:hi] - word_lo,
        )


class CopyIndex:
    """Finds copy pairs among everything folded into it.

    ``options`` fixes shingling, hashing and thresholds for the life of the index. ``fetch_texts`` maps
    article ids to their texts and is called for texts indexed by an earlier fold that a new article must
    be verified against; without it the index keeps every indexed text in memory.

    Contract of :meth:`add` / :meth:`fold`: each article is folded once (ids are unique across folds);
    the pairs returned are those between a new article and any article folded before, or between two new
    ones, each once, with ``id_a < id_b``; the union of the pairs of all folds does not depend on how the
    articles were split into folds or ordered (see the module docstring for the one caveat).

    Example::

        index = CopyIndex(CopyOptions())
        pairs = index.add(articles)          # list[CopyPair]
        more = index.add(later_articles)     # pairs that involve the later articles
    """

    def __init__(self, options: CopyOptions | None = None, fetch_texts: FetchTexts | None = None) -> None:
        self.options = options if options is not None else CopyOptions()
        self._fetch_texts = fetch_texts
        self._ordinal_of_hash: dict[str, int] = {}
        self._first_id: list[str] = []
        self._more_ids: dict[int, list[str]] = {}
        self._content_hash: list[str] = []
        self._texts: dict[int, str] = {}
        self._bands = KeyTable()
        self._anchors = KeyTable()
        self._fingerprint = self.options.index_fingerprint()
        self._key_dtype = np.dtype("<u4" if self.options.key_bits == 32 else "<u8")
        # Hashed batches of the current fold, kept so that a text verified again is not re-hashed.
        self._recent: OrderedDict[int, tuple[_Hashed, I64, int]] = OrderedDict()
        # Per ordinal: the serial of the kept batch that holds the text and its row there (-1: none).
        self._recent_serial = np.zeros(0, dtype=np.int64)
        self._recent_row = np.zeros(0, dtype=np.int64)
        self._recent_bytes = 0
        self._next_serial = 0

    # ----------------------------------------------------------------------------------------- state
    def __len__(self) -> int:
        """The number of articles folded in (exact duplicates counted one by one)."""
        return len(self._first_id) + sum(len(v) for v in self._more_ids.values())

    @property
    def num_texts(self) -> int:
        """The number of distinct texts indexed."""
        return len(self._first_id)

    @property
    def key_bytes(self) -> int:
        """Bytes held by the band and anchor tables (the index proper, without ids and texts)."""
        return self._bands.nbytes + self._anchors.nbytes

    def memory_bytes(self) -> int:
        """An estimate of the bytes the index holds: key tables, ids, content hashes and kept texts."""
        total = self.key_bytes + sys.getsizeof(self._first_id) + sys.getsizeof(self._content_hash)
        total += sum(sys.getsizeof(i) for i in self._first_id)
        total += sys.getsizeof(self._ordinal_of_hash) + sum(sys.getsizeof(h) for h in self._content_hash)
        total += sys.getsizeof(self._more_ids)
        total += sum(sys.getsizeof(v) + sum(sys.getsizeof(i) for i in v) for v in self._more_ids.values())
        total += sys.getsizeof(self._texts) + sum(sys.getsizeof(t) for t in self._texts.values())
        return total

    def members(self, content_hash: str) -> list[str]:
        """The ids of the articles folded in with this ``content_hash``, in folding order."""
        ordinal = self._ordinal_of_hash.get(content_hash)
        if ordinal is None:
            return []
        return [self._first_id[ordinal], *self._more_ids.get(ordinal, [])]

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[IndexEntry],
        options: CopyOptions | None = None,
        fetch_texts: FetchTexts | None = None,
    ) -> CopyIndex:
        """Rebuild an index from persisted entries (in any order).

        Raises :class:`UsageError` when an entry was made under other options (the store should then
        rebuild the index by folding the articles again).
        """
        if fetch_texts is None:
            raise UsageError("CopyIndex.from_entries needs fetch_texts: the entries hold no texts")
        index = cls(options, fetch_texts)
        band_parts: list[Keys] = []
        band_owners: list[U32] = []
        anchor_parts: list[Keys] = []
        anchor_owners: list[U32] = []
        duplicates: list[IndexEntry] = []
        for entry in entries:
            if entry.fingerprint != index._fingerprint:
                raise UsageError(
                    f"index entry of {entry.article_id} was made with options [{entry.fingerprint}], "
                    f"not [{index._fingerprint}]: fold the articles again to rebuild the index"
                )
            if not entry.band_keys and not entry.anchor_keys:
                duplicates.append(entry)
                continue
            ordinal = len(index._first_id)
            index._ordinal_of_hash[entry.content_hash] = ordinal
            index._content_hash.append(entry.content_hash)
            index._first_id.append(entry.article_id)
            bands = _read_keys(entry.band_keys, index.options.key_bits)
            anchors = _read_keys(entry.anchor_keys, index.options.key_bits)
            band_parts.append(bands)
            band_owners.append(np.full(bands.size, ordinal, dtype=np.uint32))
            anchor_parts.append(anchors)
            anchor_owners.append(np.full(anchors.size, ordinal, dtype=np.uint32))
        for entry in duplicates:
            known = index._ordinal_of_hash.get(entry.content_hash)
            if known is not None:  # texts without words carry no keys and belong to no text
                index._more_ids.setdefault(known, []).append(entry.article_id)
        if band_parts:
            index._bands.insert(np.concatenate(band_parts), np.concatenate(band_owners))
            index._anchors.insert(np.concatenate(anchor_parts), np.concatenate(anchor_owners))
        return index

    # ----------------------------------------------------------------------------------------- folding
    def add(self, articles: Iterable[Article], *, passages: bool = True) -> list[CopyPair]:
        """Fold ``articles`` in; return the new copy pairs (see the class contract)."""
        return self.fold(articles, passages=passages, entries=False).pairs

    def fold(self, articles: Iterable[Article], *, passages: bool = True, entries: bool = True) -> FoldResult:
        """Like :meth:`add`, and also return the :class:`IndexEntry` of every new article (unless
        ``entries`` is false)."""
        by_hash: dict[str, list[Article]] = {}
        seen_ids: set[str] = set()
        for article in articles:
            if article.id in seen_ids:
                raise UsageError(f"article {article.id!r} is folded twice in one batch")
            seen_ids.add(article.id)
            by_hash.setdefault(article.content_hash, []).append(article)
        result = FoldResult()
        groups = list(by_hash.values())
        step = self.options.batch_size
        with cyclic_gc_paused():
            try:
                for start in range(0, len(groups), step):
                    self._fold_chunk(groups[start : start + step], passages, entries, result)
            finally:
                self._forget()
            result.pairs.sort(key=attrgetter("id_a", "id_b"))
        return result

    def _fold_chunk(
        self, groups: list[list[Article]], passages: bool, entries: bool, result: FoldResult
    ) -> None:
        options = self.options
        texts = [group[0].text for group in groups]
        tokens = tokenize_batch(texts, options.seed)
        shingles = shingle_batch(tokens, options.shingle_size)
        hashed = _Hashed(tokens, shingles)
        signatures = oph_signatures(shingles, options.num_hashes, options.seed)
        bands, rows = options.bands_rows
        keys = band_keys(signatures, bands, rows, options.seed, options.key_bits)
        anchor_keys, anchor_rows = winnow_anchors(shingles, options.anchor_window, options.seed, options.key_bits)
        anchor_offsets = np.searchsorted(anchor_rows, np.arange(len(groups) + 1)).astype(np.int64)
        has_shingles = np.diff(shingles.doc_offsets) > 0

        # Each row is a distinct text: new (it gets the next ordinal) or known (it brings new members
        # only). A text without a single word is nobody's copy and is left out.
        row_ordinal = np.full(len(groups), -1, dtype=np.int64)
        is_new_text = np.zeros(len(groups), dtype=bool)
        new_ids = {a.id for group in groups for a in group}
        first_new_ordinal = next_ordinal = len(self._first_id)
        for row, group in enumerate(groups):
            ordinal = self._ordinal_of_hash.get(group[0].content_hash)
            if ordinal is None and has_shingles[row]:
                is_new_text[row] = True
                ordinal = next_ordinal
                next_ordinal += 1
            if ordinal is not None:
                row_ordinal[row] = ordinal
            if not entries:
                continue
            lo, hi = int(anchor_offsets[row]), int(anchor_offsets[row + 1])
            for position, article in enumerate(group):
                carries = bool(is_new_text[row]) and position == 0
                result.entries.append(
                    IndexEntry(
                        article_id=article.id,
                        content_hash=article.content_hash,
                        signature=signature_to_bytes(signatures[row]) if carries else b"",
                        band_keys=keys[row].astype(self._key_dtype).tobytes() if carries else b"",
                        anchor_keys=anchor_keys[lo:hi].astype(self._key_dtype).tobytes() if carries else b"",
                        fingerprint=self._fingerprint,
                    )
                )
        active = np.flatnonzero(row_ordinal >= 0)
        new_rows = np.flatnonzero(is_new_text)
        row_of_ordinal = {int(row_ordinal[r]): int(r) for r in active}
        known_queried = np.zeros(len(self._first_id), dtype=bool)
        known_queried[row_ordinal[active[~is_new_text[active]]]] = True

        # Candidates by bands: every active row against the table (known texts are in it already),
        # and new rows among themselves.
        width = keys.shape[1]
        band_rows = np.repeat(active, width)
        found_rows, found_owner = self._bands.lookup(keys[active].ravel())
        band_lo, band_hi = self._table_pairs(row_ordinal[band_rows[found_rows]], found_owner, known_queried)
        left, right = pairs_sharing_keys(
            keys[new_rows].ravel(), np.repeat(row_ordinal[new_rows], width).astype(np.uint32)
        )
        band_pairs = np.concatenate([_pack(band_lo, band_hi), _pack(left, right)])

        # Candidates by anchors: as above, counting each shared anchor of a pair once.
        in_play = row_ordinal[anchor_rows] >= 0
        a_keys, a_rows = anchor_keys[in_play], anchor_rows[in_play].astype(np.int64)
        from_new = is_new_text[a_rows]
        new_keys = a_keys[from_new]
        anchor_ranges = self._anchors.search(a_keys)
        frequency = self._anchors.counts(a_keys, anchor_ranges)
        if new_keys.size:
            distinct, counts = np.unique(new_keys, return_counts=True)
            where = np.minimum(np.searchsorted(distinct, a_keys), distinct.size - 1)
            frequency += np.where(distinct[where] == a_keys, counts[where], 0)
        capped = frequency > options.max_anchor_df
        found_rows, found_owner = self._anchors.lookup(a_keys, skip=capped, ranges=anchor_ranges)
        anchor_lo, anchor_hi = self._table_pairs(row_ordinal[a_rows[found_rows]], found_owner, known_queried)
        usable = from_new & ~capped
        left, right = pairs_sharing_keys(a_keys[usable], row_ordinal[a_rows[usable]].astype(np.uint32))
        anchor_pairs = np.concatenate([_pack(anchor_lo, anchor_hi), _pack(left, right)])
        unique_pairs, pair_counts = np.unique(anchor_pairs, return_counts=True)
        by_anchor = unique_pairs[pair_counts >= options.min_shared_anchors]
        candidates = np.union1d(band_pairs, by_anchor)

        # Register the chunk's texts and members, then verify and expand pairs to articles.
        for row in active.tolist():
            ordinal = int(row_ordinal[row])
            ids = [a.id for a in groups[row]]
            if is_new_text[row]:
                self._ordinal_of_hash[groups[row][0].content_hash] = ordinal
                self._content_hash.append(groups[row][0].content_hash)
                self._first_id.append(ids[0])
                if len(ids) > 1:
                    self._more_ids[ordinal] = ids[1:]
                if self._fetch_texts is None:
                    self._texts[ordinal] = texts[row]
            else:
                self._more_ids.setdefault(ordinal, []).extend(ids)
        self._bands.insert(keys[new_rows].ravel(), np.repeat(row_ordinal[new_rows], width).astype(np.uint32))
        self._anchors.insert(new_keys, row_ordinal[a_rows[from_new]].astype(np.uint32))

        self._verify(candidates, hashed, row_of_ordinal, first_new_ordinal, new_ids, passages, result)
        self._remember(hashed, row_ordinal.tolist())
        more_ids = self._more_ids
        for row in active.tolist():
            ordinal = int(row_ordinal[row])
            if ordinal in more_ids:
                self._exact_pairs(ordinal, hashed, row, new_ids, passages, result)

    @staticmethod
    def _table_pairs(
        query: I64, owner: U32, known_queried: npt.NDArray[np.bool_]
    ) -> tuple[I64, I64]:
        """Table hits as (lo, hi) ordinals. Two known texts both queried in one chunk meet twice (each
        finds the other); only the meeting from the smaller ordinal is kept, so each shared key counts once."""
        owners = owner.astype(np.int64)
        keep = owners != query
        query_is_known = query < known_queried.size
        keep &= ~(query_is_known & known_queried[owners] & (owners < query))
        query, owners = query[keep], owners[keep]
        return np.minimum(query, owners), np.maximum(query, owners)

    def _remember(self, hashed: _Hashed, ordinal_of_row: list[int]) -> None:
        """Keep a hashed batch for later chunks of this fold (``-1``: a row that is no indexed text),
        dropping the least recently used batches beyond :data:`HASHED_CACHE_BYTES`. Only what
        verification reads is kept (shingle hashes, word offsets), word offsets as int32 where they fit."""
        serial = self._next_serial
        self._next_serial += 1
        tokens, shingles = hashed.tokens, hashed.shingles
        narrow = np.int32 if tokens.ends.size == 0 or int(tokens.ends.max()) < 2**31 else np.int64
        empty = np.zeros(0, dtype=np.int64)
        kept = _Hashed(
            TokenBatch(np.zeros(0, dtype=np.uint64), tokens.starts.astype(narrow), tokens.ends.astype(narrow),
                       tokens.doc_offsets),
            ShingleBatch(shingles.hashes, empty, shingles.doc_offsets),
        )
        size = sum(a.nbytes for a in (kept.tokens.starts, kept.tokens.ends, tokens.doc_offsets, shingles.hashes,
                                       shingles.doc_offsets))
        rows = np.flatnonzero(np.asarray(ordinal_of_row, dtype=np.int64) >= 0)
        ordinals = np.asarray(ordinal_of_row, dtype=np.int64)[rows]
        needed = int(ordinals.max()) + 1 if ordinals.size else 0
        if needed > self._recent_serial.size:
            grown = max(needed, 2 * self._recent_serial.size, 1024)
            self._recent_serial = np.concatenate(
                [self._recent_serial, np.full(grown - self._recent_serial.size, -1, dtype=np.int64)]
            )
            self._recent_row = np.concatenate([self._recent_row, np.zeros(grown - self._recent_row.size, dtype=np.int64)])
        self._recent_serial[ordinals] = serial
        self._recent_row[ordinals] = rows
        self._recent[serial] = (kept, ordinals, size)
        self._recent_bytes += size
        while self._recent_bytes > HASHED_CACHE_BYTES and len(self._recent) > 1:
            old_serial, (_, old_ordinals, old_size) = self._recent.popitem(last=False)
            self._recent_bytes -= old_size
            still = old_ordinals[self._recent_serial[old_ordinals] == old_serial]
            self._recent_serial[still] = -1

    def _forget(self) -> None:
        self._recent.clear()
        self._recent_serial = np.zeros(0, dtype=np.int64)
        self._recent_row = np.zeros(0, dtype=np.int64)
        self._recent_bytes = 0

    def _hashed_texts(self, ordinals: list[int]) -> _Hashed:
        ids = [self._first_id[o] for o in ordinals]
        if self._fetch_texts is None:
            texts = [self._texts[o] for o in ordinals]
        else:
            fetched = self._fetch_texts(ids)
            missing = [i for i in ids if i not in fetched]
            if missing:
                raise UsageError(f"fetch_texts returned no text for {len(missing)} ids, e.g. {missing[0]!r}")
            texts = [fetched[i] for i in ids]
        tokens = tokenize_batch(texts, self.options.seed)
        return _Hashed(tokens, shingle_batch(tokens, self.options.shingle_size))

    def _verify(
        self,
        candidates: U64,
        hashed: _Hashed,
        row_of_ordinal: dict[int, int],
        first_new_ordinal: int,
        new_ids: set[str],
        passages: bool,
        result: FoldResult,
    ) -> None:
        """Verify the candidate pairs (packed ordinals) and add the copies among them to ``result``:
        texts from ordinal ``first_new_ordinal`` on were registered by this chunk, and pairs are only
        reported when one of their articles is in ``new_ids``."""
        options = self.options
        if candidates.size == 0:
            return
        lo = (candidates >> np.uint64(32)).astype(np.int64)
        hi = (candidates & np.uint64(0xFFFFFFFF)).astype(np.int64)
        involved_array = np.unique(np.concatenate([lo, hi]))
        # Each involved text comes from this chunk, from a batch hashed recently, or is fetched and hashed.
        chunk_ordinals = np.fromiter(row_of_ordinal.keys(), dtype=np.int64, count=len(row_of_ordinal))
        chunk_rows = np.fromiter(row_of_ordinal.values(), dtype=np.int64, count=len(row_of_ordinal))
        by_ordinal = np.argsort(chunk_ordinals)
        chunk_ordinals, chunk_rows = chunk_ordinals[by_ordinal], chunk_rows[by_ordinal]
        where = np.minimum(np.searchsorted(chunk_ordinals, involved_array), max(chunk_ordinals.size - 1, 0))
        is_inside = chunk_ordinals[where] == involved_array if chunk_ordinals.size else np.zeros(0, dtype=bool)
        inside = involved_array[is_inside]
        selections: list[tuple[_Hashed, I64]] = [(hashed, chunk_rows[where[is_inside]])]
        order_parts: list[I64] = [inside]
        rest = involved_array[~is_inside]
        in_range = rest < self._recent_serial.size
        serial_of = np.full(rest.size, -1, dtype=np.int64)
        serial_of[in_range] = self._recent_serial[rest[in_range]]
        cached = serial_of >= 0
        by_serial = np.argsort(serial_of[cached], kind="stable")
        cached_ordinals, cached_serials = rest[cached][by_serial], serial_of[cached][by_serial]
        bounds = [0, *(np.flatnonzero(np.diff(cached_serials)) + 1).tolist(), cached_ordinals.size]
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
            if start == stop:
                continue
            serial = int(cached_serials[start])
            ordinals = cached_ordinals[start:stop]
            self._recent.move_to_end(serial)
            selections.append((self._recent[serial][0], self._recent_row[ordinals]))
            order_parts.append(ordinals)
        outside = rest[~cached]
        if outside.size:
            outside_list = outside.tolist()
            fetched = self._hashed_texts(outside_list)
            selections.append((fetched, np.arange(outside.size, dtype=np.int64)))
            order_parts.append(outside)
            self._remember(fetched, outside_list)
        involved = involved_array.tolist()
        ordinal_order = np.concatenate(order_parts)
        hashes, offsets, layout = _combine(selections)
        # Passages are aligned from the text with the smaller content hash, so that they do not depend
        # on folding order (with repeated phrases, alignment is not symmetric). Distinct texts have
        # distinct content hashes, so comparing their ranks among the involved texts is the same.
        content = self._content_hash
        content_rank = np.empty(len(involved), dtype=np.int64)
        content_rank[np.argsort(np.array([content[o] for o in involved]), kind="stable")] = np.arange(len(involved))
        lo_rank = content_rank[np.searchsorted(involved_array, lo)]
        hi_rank = content_rank[np.searchsorted(involved_array, hi)]
        lo_left = lo_rank <= hi_rank
        left_ordinal = np.where(lo_left, lo, hi)
        right_ordinal = np.where(lo_left, hi, lo)
        order_array = ordinal_order
        sorter = np.argsort(order_array, kind="stable")
        sorted_order = order_array[sorter]

        def to_doc(ordinals: I64) -> I64:
            return sorter[np.searchsorted(sorted_order, ordinals)].astype(np.int64)

        # Pairs between two texts of one article each (most) are written here with their passages
        # already facing the final (id_a, id_b) order; the others go through _emit with a = lo.
        first_id, more_ids = self._first_id, self._more_ids
        lo_at, hi_at = np.searchsorted(involved_array, lo), np.searchsorted(involved_array, hi)
        has_more = np.isin(involved_array, np.fromiter(more_ids.keys(), dtype=np.int64, count=len(more_ids)))
        simple = ~(has_more[lo_at] | has_more[hi_at])
        # Ids are unique, so comparing ranks among the involved texts' first ids compares the ids.
        id_rank = np.empty(len(involved), dtype=np.int64)
        id_rank[np.argsort(np.array([first_id[o] for o in involved]), kind="stable")] = np.arange(len(involved))
        a_is_lo = ~simple | (id_rank[lo_at] < id_rank[hi_at])
        swap = lo_left != a_is_lo
        judged = _judge_arrays(
            hashes, offsets, layout, to_doc(left_ordinal), to_doc(right_ordinal), options, passages, swap
        )
        accepted, excerpt, jaccard, left_in_right, right_in_left, found = judged
        # A text of one article is new in this chunk exactly when its ordinal is (known texts come back
        # only with new members, so they are not simple).
        plain = accepted[simple[accepted] & (hi[accepted] >= first_new_ordinal)]
        a_ordinal = np.where(a_is_lo[plain], lo[plain], hi[plain])
        b_ordinal = np.where(a_is_lo[plain], hi[plain], lo[plain])
        a_is_left = a_ordinal == left_ordinal[plain]
        result.pairs.extend(
            map(
                CopyPair,
                map(first_id.__getitem__, a_ordinal.tolist()),
                map(first_id.__getitem__, b_ordinal.tolist()),
                np.where(excerpt[plain], "excerpt", "near").tolist(),
                jaccard[plain].tolist(),
                np.where(a_is_left, left_in_right[plain], right_in_left[plain]).tolist(),
                np.where(a_is_left, right_in_left[plain], left_in_right[plain]).tolist(),
                map(found.get, plain.tolist(), repeat(())),
            )
        )
        for i in accepted[~simple[accepted]].tolist():
            kind: CopyKind = "excerpt" if excerpt[i] else "near"
            if lo_left[i]:
                lo_in_hi, hi_in_lo = float(left_in_right[i]), float(right_in_left[i])
            else:
                lo_in_hi, hi_in_lo = float(right_in_left[i]), float(left_in_right[i])
            self._emit(
                int(lo[i]), int(hi[i]), kind, float(jaccard[i]), lo_in_hi, hi_in_lo, found.get(i, ()), new_ids, result
            )

    def _emit(
        self,
        lo: int,
        hi: int,
        kind: CopyKind,
        jaccard: float,
        lo_in_hi: float,
        hi_in_lo: float,
        found: tuple[Passage, ...],
        new_ids: set[str],
        result: FoldResult,
    ) -> None:
        more_lo, more_hi = self._more_ids.get(lo), self._more_ids.get(hi)
        append = result.pairs.append
        if not more_lo and not more_hi:
            id_lo, id_hi = self._first_id[lo], self._first_id[hi]
            if id_lo not in new_ids and id_hi not in new_ids:
                return
            if id_lo < id_hi:
                append(CopyPair(id_lo, id_hi, kind, jaccard, lo_in_hi, hi_in_lo, found))
            else:
                append(CopyPair(id_hi, id_lo, kind, jaccard, hi_in_lo, lo_in_hi, _flip(found)))
            return
        ids_lo = [self._first_id[lo], *more_lo] if more_lo else [self._first_id[lo]]
        ids_hi = [self._first_id[hi], *more_hi] if more_hi else [self._first_id[hi]]
        flipped: tuple[Passage, ...] | None = None
        for id_lo in ids_lo:
            for id_hi in ids_hi:
                if id_lo not in new_ids and id_hi not in new_ids:
                    continue
                if id_lo < id_hi:
                    append(CopyPair(id_lo, id_hi, kind, jaccard, lo_in_hi, hi_in_lo, found))
                else:
                    if flipped is None:
                        flipped = tuple(Passage(p.b_start, p.b_end, p.a_start, p.a_end) for p in found)
                    append(CopyPair(id_hi, id_lo, kind, jaccard, hi_in_lo, lo_in_hi, flipped))

    def _exact_pairs(
        self, ordinal: int, hashed: _Hashed, row: int, new_ids: set[str], passages: bool, result: FoldResult
    ) -> None:
        ids = [self._first_id[ordinal], *self._more_ids.get(ordinal, [])]
        if len(ids) < 2:
            return
        found = whole_text_passage(hashed.doc(row)) if passages else ()
        for position, id_a in enumerate(ids):
            for id_b in ids[position + 1 :]:
                if id_a not in new_ids and id_b not in new_ids:
                    continue
                low, high = (id_a, id_b) if id_a < id_b else (id_b, id_a)
                result.pairs.append(CopyPair(low, high, "exact", 1.0, 1.0, 1.0, found))


def _flip(found: tuple[Passage, ...]) -> tuple[Passage, ...]:
    """Passages with the two texts' sides swapped."""
    return tuple(Passage(p.b_start, p.b_end, p.a_start, p.a_end) for p in found)


def _read_keys(data: bytes, key_bits: int) -> Keys:
    """Stored little-endian keys as a native array of the index's key width."""
    if key_bits == 64:
        return np.frombuffer(data, dtype="<u8").astype(np.uint64)
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def _pack(lo: npt.NDArray[np.integer], hi: npt.NDArray[np.integer]) -> U64:
    """Ordinal pairs as one sortable uint64 each (smaller ordinal in the high half)."""
    lo64 = lo.astype(np.uint64)
    hi64 = hi.astype(np.uint64)
    return (np.minimum(lo64, hi64) << np.uint64(32)) | np.maximum(lo64, hi64)



def _combine(selections: list[tuple[_Hashed, I64]]) -> tuple[U64, I64, WordLayout]:
    """The shingle hashes, text offsets and word layout of the selected rows of hashed batches, in order."""
    if kernels.enabled(sum(int(batch.shingles.hashes.size) for batch, _ in selections)):
        return _combine_compiled(selections)
    hashes: list[U64] = []
    shingle_counts: list[I64] = []
    word_counts: list[I64] = []
    starts: list[I64] = []
    ends: list[I64] = []
    for batch, rows in selections:
        tokens, shingles = batch.tokens, batch.shingles
        shingle_lo, shingle_hi = shingles.doc_offsets[rows], shingles.doc_offsets[rows + 1]
        word_lo, word_hi = tokens.doc_offsets[rows], tokens.doc_offsets[rows + 1]
        shingle_counts.append(shingle_hi - shingle_lo)
        word_counts.append(word_hi - word_lo)
        if rows.size == shingles.num_docs and np.array_equal(rows, np.arange(rows.size)):
            # Every row, in order: no gathering needed.
            hashes.append(shingles.hashes)
            starts.append(tokens.starts)
            ends.append(tokens.ends)
        else:
            hashes.append(shingles.hashes[expand_ranges(shingle_lo, shingle_hi)[1]])
            word_positions = expand_ranges(word_lo, word_hi)[1]
            starts.append(tokens.starts[word_positions])
            ends.append(tokens.ends[word_positions])
    layout = WordLayout(
        shingle_offsets=_offsets(shingle_counts),
        word_offsets=_offsets(word_counts),
        word_starts=np.concatenate(starts),
        word_ends=np.concatenate(ends),
    )
    return np.concatenate(hashes), layout.shingle_offsets, layout


def _offsets(counts: list[I64]) -> I64:
    """Offsets of consecutive ranges of the given lengths: ``[0, c0, c0 + c1, ...]``."""
    flat = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    offsets = np.zeros(flat.size + 1, dtype=np.int64)
    np.cumsum(flat, out=offsets[1:])
    return offsets


def _combine_compiled(selections: list[tuple[_Hashed, I64]]) -> tuple[U64, I64, WordLayout]:
    """:func:`_combine` by copying row ranges into preallocated arrays (compiled loops, no index arrays)."""
    bounds: list[tuple[I64, I64, I64, I64]] = []
    for batch, rows in selections:
        shingle_offsets, word_offsets = batch.shingles.doc_offsets, batch.tokens.doc_offsets
        bounds.append((shingle_offsets[rows], shingle_offsets[rows + 1], word_offsets[rows], word_offsets[rows + 1]))
    shingle_offsets = _offsets([hi - lo for lo, hi, _, _ in bounds])
    word_offsets = _offsets([hi - lo for _, _, lo, hi in bounds])
    hashes = np.empty(int(shingle_offsets[-1]), dtype=np.uint64)
    starts = np.empty(int(word_offsets[-1]), dtype=np.int64)
    ends = np.empty(int(word_offsets[-1]), dtype=np.int64)
    shingle_at = word_at = 0
    for (batch, _), (shingle_lo, shingle_hi, word_lo, word_hi) in zip(selections, bounds, strict=True):
        shingle_at = kernels.gather_ranges(batch.shingles.hashes, shingle_lo, shingle_hi, hashes, shingle_at)
        kernels.gather_ranges(batch.tokens.starts, word_lo, word_hi, starts, word_at)
        word_at = kernels.gather_ranges(batch.tokens.ends, word_lo, word_hi, ends, word_at)
    layout = WordLayout(
        shingle_offsets=shingle_offsets, word_offsets=word_offsets, word_starts=starts, word_ends=ends
    )
    return hashes, shingle_offsets, layout


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verified relation of a pair of different texts that are copies (see :func:`verify_pairs`).

    Containments are of the left text in the right one and back; passages are ``a`` = left, ``b`` = right.
    """

    kind: CopyKind
    jaccard: float
    containment_left_in_right: float
    containment_right_in_left: float
    passages: tuple[Passage, ...]


def verify_pairs(
    texts: Sequence[str],
    left: Sequence[int],
    right: Sequence[int],
    options: CopyOptions | None = None,
    *,
    passages: bool = True,
) -> list[Verdict | None]:
    """Verify pairs ``(texts[left[i]], texts[right[i]])`` exactly: a :class:`Verdict`, or ``None`` when
    they are not copies. Pure: the result for a pair depends on its two texts and ``options`` only (for
    passages, also on which side is left; :class:`CopyIndex` puts the smaller content hash left)."""
    options = options if options is not None else CopyOptions()
    if len(left) != len(right):
        raise UsageError(f"left and right differ in length ({len(left)} != {len(right)})")
    if not left:
        return []
    tokens = tokenize_batch(list(texts), options.seed)
    hashed = _Hashed(tokens, shingle_batch(tokens, options.shingle_size))
    hashes, offsets, layout = _combine([(hashed, np.arange(len(texts), dtype=np.int64))])
    return _judge(
        hashes, offsets, layout, np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64), options, passages
    )


def _judge(
    hashes: U64,
    offsets: I64,
    layout: WordLayout,
    left: I64,
    right: I64,
    options: CopyOptions,
    passages: bool,
) -> list[Verdict | None]:
    """Compare pairs exactly and apply the kind rules: ``excerpt`` when the smaller text has at most
    ``excerpt_max_ratio`` of the larger's shingles, at least ``containment_threshold`` of its own shingles
    are in the larger and they share at least ``min_shared_shingles``; else ``near`` when the Jaccard
    similarity is at least ``jaccard_threshold``; else not copies."""
    accepted, excerpt, jaccard, left_in_right, right_in_left, found = _judge_arrays(
        hashes, offsets, layout, left, right, options, passages, None
    )
    verdicts: list[Verdict | None] = [None] * left.size
    for i in accepted.tolist():
        verdicts[i] = Verdict(
            kind="excerpt" if excerpt[i] else "near",
            jaccard=float(jaccard[i]),
            containment_left_in_right=float(left_in_right[i]),
            containment_right_in_left=float(right_in_left[i]),
            passages=found.get(i, ()),
        )
    return verdicts


def _judge_arrays(
    hashes: U64,
    offsets: I64,
    layout: WordLayout,
    left: I64,
    right: I64,
    options: CopyOptions,
    passages: bool,
    swap: npt.NDArray[np.bool_] | None,
) -> tuple[I64, npt.NDArray[np.bool_], F64, F64, F64, dict[int, tuple[Passage, ...]]]:
    """:func:`_judge` as arrays over all pairs: the accepted pair indices, then per pair whether it is an
    excerpt, its Jaccard and containments (left in right, right in left), and the passages of the
    accepted pairs (with ``a`` and ``b`` exchanged where ``swap``)."""
    comparison = compare_pairs(hashes, offsets, left, right)
    shared = comparison.shared
    size_left, size_right = comparison.size_left, comparison.size_right
    jaccard = shared / np.maximum(size_left + size_right - shared, 1)
    small = np.minimum(size_left, size_right)
    large = np.maximum(size_left, size_right)
    excerpt = (
        (small > 0)
        & (shared >= options.containment_threshold * small)
        & (small <= options.excerpt_max_ratio * large)
        & (shared >= options.min_shared_shingles)
    )
    near = ~excerpt & (jaccard >= options.jaccard_threshold)
    accepted = excerpt | near
    found: dict[int, tuple[Passage, ...]] = {}
    if passages:
        found = passages_from_matches(
            comparison,
            accepted,
            layout,
            options.shingle_size,
            options.max_gap_words,
            options.min_passage_words,
            swap=swap,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        left_in_right = shared / size_left
        right_in_left = shared / size_right
    return np.flatnonzero(accepted), excerpt, jaccard, left_in_right, right_in_left, found
