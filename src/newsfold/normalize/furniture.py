"""Page furniture: whole lines that belong to the web page around an article, not to the article.

Each pattern is matched against a whole line (already NFKC-normalized, whitespace-collapsed and
stripped), never against part of a line, so a real sentence that merely starts with "Share" or "Photo"
is kept. Every pattern carries examples of lines it removes; ``tests/test_normalize_text.py`` checks each
example and a list of real sentences that must survive. To add a pattern, add a :class:`FurniturePattern`
to :data:`FURNITURE_PATTERNS` with at least one example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FURNITURE_LINE_CHARS = 400
"""Longer lines are never furniture (cookie banners are the longest kind); skipping them keeps it fast."""


@dataclass(frozen=True, slots=True)
class FurniturePattern:
    """One kind of furniture line.

    ``regex`` must match the whole line (it is used with ``fullmatch``); ``ignore_case`` says whether
    letter case matters (language codes such as ``en-GB`` need it to). ``examples`` are lines it removes.
    """

    name: str
    regex: str
    examples: tuple[str, ...]
    ignore_case: bool = True


_SOCIAL_NAMES = (
    r"facebook|twitter|telegram|whatsapp|linkedin|vk|vkontakte|reddit|pinterest|instagram|youtube|email|"
    r"e-mail|messenger|viber|threads|tiktok|mastodon|odnoklassniki|flipboard|bluesky"
)
# "X" and "OK" (Odnoklassniki) only after "on"/"via": alone on a line they are more likely speech.
_SOCIAL = rf"(?:{_SOCIAL_NAMES}|x|ok)"
_SOCIAL_BUTTON = rf"(?:{_SOCIAL_NAMES})"
_LANGUAGE_NAMES = (
    r"(?:english|deutsch|français|francais|español|espanol|italiano|português|portugues|polski|русский|"
    r"беларуская|белорусский|українська|中文|日本語|한국어|العربية|türkçe|nederlands|čeština|magyar|"
    r"română|svenska|suomi|dansk|norsk|ελληνικά|עברית|فارسی|हिन्दी|eng|rus|bel|ukr|deu|fra|esp)"
)

FURNITURE_PATTERNS: tuple[FurniturePattern, ...] = (
    FurniturePattern(
        "language switcher (locale codes)",
        # Locale tags are lowercase-language, uppercase-region (de-DE); sites append counts ("de-DE1").
        r"[•·|/*\-–\s]*(?:[a-z]{2,3}[-_][A-Z]{2}\d*[\s|/•·,]*){2,}",
        ("• de-DE1 en-GB1 es-ES1 ru-RU1 fr-FR1", "en-US | de-DE"),
        ignore_case=False,
    ),
    FurniturePattern(
        "language switcher (codes)",
        r"[•·\s]*(?:[A-Z]{2,3}\s*[|/•·]\s*)+[A-Z]{2,3}",
        ("EN | RU | BY", "DE / EN"),
        ignore_case=False,
    ),
    FurniturePattern(
        "language switcher (names)",
        rf"[•·|/\s]*(?:{_LANGUAGE_NAMES}[\s|/•·,]*){{2,}}",
        ("English Русский Deutsch", "English | Français"),
    ),
    FurniturePattern(
        "news index links",
        r"(?:all|more|latest|other|related|top|recent)\s+(?:news|stories|articles|materials|posts|videos)"
        r"(?:\s+(?:on|about)\s+this\s+(?:topic|story))?\s*[»›>→:]*",
        ("All news", "All news »", "Related stories", "More news on this topic"),
    ),
    FurniturePattern(
        "related links",
        r"(?:additional|related)\s+materials|see\s+also|read\s+also|also\s+read|read\s+more|more\s+on\s+this"
        r"(?:\s+(?:story|topic))?|related(?:\s+(?:topics|content|coverage|links))?|"
        r"(?:read\s+more|read\s+also|also\s+read|see\s+also|related)\s*:.{0,200}",
        ("Additional materials", "Read more", "Read more: Lavrov arrives in Minsk", "See also:", "Related"),
    ),
    FurniturePattern(
        "share and social buttons",
        rf"(?:(?:share|tweet|print|copy\s+link|send|save|comments?(?:\s*\(\d+\))?|{_SOCIAL_BUTTON})"
        rf"(?:\s+(?:this|the))?(?:\s+(?:article|story|page|post|news))?(?:\s+(?:on|via|to)\s+{_SOCIAL})?"
        r"[\s|•·/,:]*)+",
        ("Share", "Share this article", "Share on Facebook", "Facebook Twitter Telegram", "Print", "Tweet"),
    ),
    FurniturePattern(
        "subscribe prompts",
        r"(?:subscribe|sign\s+up|join)(?:\s+(?:now|here|today|free))?(?:\s+(?:to|for)\s+(?:our|the|us\s+on)"
        r"(?:\s+[\w-]+){0,3}\s+(?:newsletters?|channel|updates|podcast|alerts|feed))?"
        r"(?:\s+(?:now|here|today))?\s*[!.»›>:]*",
        ("Subscribe", "Subscribe to our newsletter", "Sign up for our daily newsletter", "Subscribe now!"),
    ),
    FurniturePattern(
        "follow prompts",
        rf"follow\s+(?:us|[\w.'’-]+(?:\s+[\w.'’-]+){{0,3}})\s+on\s+(?:{_SOCIAL}|google\s+news|dzen)"
        rf"(?:\s*(?:,|and|or|&)\s*(?:{_SOCIAL}|google\s+news|dzen))*\s*[!.]?",
        ("Follow us on Twitter", "Follow TASS on Telegram", "Follow us on Facebook and Instagram"),
    ),
    FurniturePattern(
        "photo and media credits",
        r"(?:photo|photos|photograph|picture|image|video|illustration|graphic|credit|photo\s+credit|source)"
        r"\s*(?::|©|by\b|courtesy\b).{0,150}|(?:©|\(c\)|copyright\s*©|copyright\s+\d{4}).{0,150}",
        ("Photo: press service of the President of Belarus", "Photo by Reuters", "© AP Photo", "Video: TASS"),
    ),
    FurniturePattern(
        "cookie notices",
        r"(?:we|this\s+(?:web)?site|our\s+(?:web)?site)\s+uses?\s+cookies(?:\s+and\s+similar\s+technologies)?"
        # What follows "cookies" must be the banner's purpose clause, not "in our recipes".
        r"(?:\s*[.,;!]|\s+(?:to|on|for|so|that|which|in\s+order|and))(?:\s.{0,360})?"
        r"|by\s+(?:continuing|using|browsing)\b.{0,200}\bcookies\b.{0,200}"
        r"|(?:accept|reject|allow|decline|manage)(?:\s+all)?(?:\s+cookies)(?:\s+settings)?\s*[.!]?"
        r"|cookie\s+(?:policy|settings|preferences|consent|notice)\s*[.!]?",
        (
            "We use cookies to improve your experience on our site.",
            "This website uses cookies. By continuing you agree.",
            "By continuing to browse the site you agree to our use of cookies.",
            "Accept all cookies",
            "Cookie settings",
        ),
    ),
    FurniturePattern(
        "advertisement markers",
        r"(?:advertisement|advertising|ads?|sponsored(?:\s+content)?|promoted|paid\s+content"
        r"|story\s+continues\s+below(?:\s+advertisement)?|continue\s+reading\s+below"
        r"|scroll\s+(?:down\s+)?to\s+continue(?:\s+reading)?(?:\s+with\s+content)?)\s*[.:]*",
        ("Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Sponsored content"),
    ),
    FurniturePattern(
        "navigation",
        r"(?:skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|go\s+to\s+top|to\s+top|home|menu|search|close"
        r"|loading(?:\.\.\.|…)?|print\s+version|version\s+for\s+print(?:ing)?|text\s+size|font\s+size"
        r"|previous(?:\s+(?:article|story|page))?|next(?:\s+(?:article|story|page))?"
        r"|show\s+more|load\s+more|view\s+comments|leave\s+a\s+comment|add\s+comment)\s*[»›>→←«‹<]*",
        ("Skip to content", "Back to top", "Home", "Menu", "Loading...", "Next article", "Show more"),
    ),
    FurniturePattern(
        "non-English markers",
        # The commonest labels of this kind in the SemEval 2022 multilingual sample.
        r"(?:anzeige|werbung|reklama|реклама|publicidad|publicité|pubblicità|publicidade"
        r"|jetzt\s+teilen|teilen|поделиться|compartir|partager|condividi|udostępnij"
        r"|den\s+vollständigen\s+artikel\s+lesen|weiterlesen|читать\s+также|leer\s+más|lire\s+aussi"
        r"|czytaj\s+(?:też|także|więcej))\s*[.:…»›]*",
        ("Anzeige", "REKLAMA", "Jetzt teilen:", "Den vollständigen Artikel lesen ...", "Читать также"),
    ),
    FurniturePattern(
        "reading lists",
        r"(?:read\s+next|most\s+(?:read|popular|viewed|shared)|trending(?:\s+now)?|editor'?s\s+picks?"
        r"|(?:article|story)\s+continues\s+(?:below|after\s+(?:the\s+)?advertisement)"
        r"|send\s+this\s+(?:page|article|story)\s+to\s+(?:someone|a\s+friend)(?:\s+via\s+e-?mail)?)\s*[.:»›]*",
        ("Read Next", "MOST READ", "article continues below", "Send this page to someone via email"),
    ),
    FurniturePattern(
        "separator lines",
        # No letter or digit at all: rules, bullets and leftover punctuation ("-", "* * *", "()").
        r"[\W_]+",
        ("-", "* * *", "()", "...", "•"),
    ),
    FurniturePattern(
        "tag lists",
        r"(?:tags|keywords|topics)\s*:.{0,200}",
        ("Tags: Belarus, Russia", "Keywords: Lukashenko"),
    ),
)

_IGNORE_CASE_RE = re.compile(
    "|".join(f"(?:{p.regex})" for p in FURNITURE_PATTERNS if p.ignore_case), re.IGNORECASE
)
_CASE_SENSITIVE_RE = re.compile("|".join(f"(?:{p.regex})" for p in FURNITURE_PATTERNS if not p.ignore_case))


def is_furniture(line: str) -> bool:
    """True when ``line`` (one normalized, stripped line) is page furniture by :data:`FURNITURE_PATTERNS`."""
    if not line or len(line) > MAX_FURNITURE_LINE_CHARS:
        return False
    return _IGNORE_CASE_RE.fullmatch(line) is not None or _CASE_SENSITIVE_RE.fullmatch(line) is not None


def matching_pattern(line: str) -> FurniturePattern | None:
    """The first pattern that removes ``line``, or ``None``; for explaining a removal."""
    if not line or len(line) > MAX_FURNITURE_LINE_CHARS:
        return None
    for pattern in FURNITURE_PATTERNS:
        flags = re.IGNORECASE if pattern.ignore_case else 0
        if re.fullmatch(pattern.regex, line, flags):
            return pattern
    return None
