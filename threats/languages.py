"""A CAP alert in several languages: one <info> block per language (CAP 1.2, 3.2.2)."""

from __future__ import annotations

from collections.abc import Sequence

from threats.feeds.cap import Info


def subtag(language: str | None) -> str:
    """The primary language subtag, lower case: "es-US" -> "es"; CAP's default is en-US."""
    return (language or "").split("-")[0].strip().lower() or "en"


def other_languages(infos: Sequence[Info]) -> dict[str, dict[str, str]]:
    """The words of each block in a language the first block is not in. The first block
    stays the threat's own title and text, shown when no block matches the viewer's
    language; of several blocks in one language the first wins."""
    if not infos:
        return {}
    seen, texts = {subtag(infos[0].language)}, {}
    for info in infos[1:]:
        language = subtag(info.language)
        if language in seen:
            continue
        seen.add(language)
        texts[language] = {
            "title": info.headline or info.event,
            "description": info.description,
            "instruction": info.instruction,
        }
    return texts
