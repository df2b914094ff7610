"""The options every reader takes, and the kinds of :class:`~newsfold.model.Skipped` they report."""

from __future__ import annotations

from dataclasses import dataclass

from newsfold.errors import UsageError

ID_FIELDS: tuple[str, ...] = ("id", "doc_id", "uuid")
TEXT_FIELDS: tuple[str, ...] = ("text", "body", "content", "maintext")
TITLE_FIELDS: tuple[str, ...] = ("title", "headline")
DATE_FIELDS: tuple[str, ...] = ("date", "published", "date_publish", "publish_date")
URL_FIELDS: tuple[str, ...] = ("url",)
OUTLET_FIELDS: tuple[str, ...] = ("outlet", "source", "site")
LANGUAGE_FIELDS: tuple[str, ...] = ("language", "lang")

SKIP_KINDS: dict[str, str] = {
    "binary": "the bytes hold NUL bytes: binary data, not text",
    "encoding": "the bytes are not valid UTF-8 (or not valid in the charset the page declares)",
    "empty": "the file, record or text field holds no text (or only whitespace)",
    "too_large": "the document is larger than ReadOptions.max_document_bytes",
    "truncated": "a gzip stream (or WARC) ends early; records before the cut were still read",
    "corrupt": "a compressed stream or container that cannot be decoded at all",
    "malformed_json": "a JSON line, array element or file that does not parse",
    "not_object": "a JSON record that parses but is not an object (a list, a number, a string)",
    "malformed": "a CSV row, Parquet file or WARC record whose structure is broken",
    "missing_field": "a record without a text field",
    "bad_field": "a record whose text field is not a string",
    "no_text": "an HTML page in which no article text was found (only scripts, only navigation)",
    "http_status": "a WARC response that is not a successful HTTP answer (redirect, error)",
    "unsupported": "a file type (or WARC content type) newsfold does not read, or not a regular file",
    "unreadable": "a file or folder the operating system would not let us read",
    "error": "an unexpected failure in a reader; the log has the traceback",
}
"""Every ``Skipped.kind`` the readers use, with its meaning."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How records are mapped to documents, and how large a document may be.

    ``id_field``, ``text_field``, ``title_field`` and ``date_field`` name the fields of JSON, CSV and
    Parquet records to use; ``None`` (the default) picks the first present of :data:`ID_FIELDS`,
    :data:`TEXT_FIELDS`, :data:`TITLE_FIELDS` and :data:`DATE_FIELDS`, first by exact name and then
    ignoring case. A record without a text field is skipped; missing id, title or date fields just leave
    those empty. ``url``, ``outlet``/``source``/``site`` and ``language``/``lang`` fields are always
    picked up when present; every other field goes to ``RawDocument.meta``.

    ``max_document_bytes`` (default 20,000,000, must be positive) is the largest document read: a file,
    JSON line, CSV row, Parquet text value or WARC payload of more bytes is skipped with kind
    ``too_large``, measured from the file size or by streaming, never by holding more than this many
    bytes in memory.
    """

    id_field: str | None = None
    text_field: str | None = None
    title_field: str | None = None
    date_field: str | None = None
    max_document_bytes: int = 20_000_000

    def __post_init__(self) -> None:
        if isinstance(self.max_document_bytes, bool) or not isinstance(self.max_document_bytes, int):
            raise UsageError(f"max_document_bytes must be an integer, got {self.max_document_bytes!r}")
        if self.max_document_bytes <= 0:
            raise UsageError(f"max_document_bytes must be positive, got {self.max_document_bytes}")
        for name in ("id_field", "text_field", "title_field", "date_field"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise UsageError(f"{name} must be a non-empty field name or None, got {value!r}")
