"""Crisis lines by country: what the participant terminal's help key shows, next to the
facility's own words (the hub's ``crisis_text``). Showing them sends nothing and stores nothing."""

from __future__ import annotations

CRISIS_LINES: dict[str, str] = {
    "US": "Call or text 988 (Suicide & Crisis Lifeline), any time. In danger now: call 911.",
    "CA": "Call or text 988 (Suicide Crisis Helpline), any time. In danger now: call 911.",
    "GB": "Call Samaritans on 116 123, free, any time. In danger now: call 999.",
    "IE": "Call Samaritans on 116 123, free, any time. In danger now: call 112 or 999.",
    "AU": "Call Lifeline on 13 11 14, any time. In danger now: call 000.",
    "NZ": "Call or text 1737, free, any time. In danger now: call 111.",
}
"""Default lines per ISO country code; the operator's ``crisis_text`` comes first."""

DEFAULT_LOCALE = "US"


def crisis_words(facility: str, locale: str) -> list[str]:
    """The lines the help key shows, the facility's own first."""
    line = CRISIS_LINES.get(locale.upper(), CRISIS_LINES[DEFAULT_LOCALE])
    return [text for text in (facility.strip(), line) if text]
