"""Level 3 of newsfold: storylines, chains of events whose actors and subject continue over time.

:func:`link_storylines` takes events (id → members' :class:`~newsfold.events.ArticleFeatures`) and
returns :class:`StoryGrouping`: storylines with the evidence of every link. See ``docs/events.md``.
"""

from __future__ import annotations

from newsfold.stories.link import StoryGrouping, Storyline, StoryLink, StoryOptions, link_storylines

__all__ = ["StoryGrouping", "StoryLink", "StoryOptions", "Storyline", "link_storylines"]
