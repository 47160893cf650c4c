"""Plain English for the people with lived experience who took part ("What we heard, what
we are doing"): short sentences, everyday words, no scores and no service jargon."""

from __future__ import annotations

ABOUT_THIS_PAGE = (
    "This page is written in plain English. It is source text for a trained Easy Read "
    "producer to turn into Easy Read. It is not Easy Read itself."
)
THANKS = (
    "Thank you for taking part. Together we looked at how our service feels to the people "
    "who use it. This page says what we heard, and what we are doing about it."
)
NOTHING_FOUND = "We did not write down anything that got in the way."
NOTHING_KEPT = "We did not write down anything that works well this time."
KEEP_INTRO = "You told us these parts of the service work well. We will keep them."
NO_ACTION_YET = "We have not decided what to do yet. We will tell you when we have."

KIND_PLAIN = {
    "barrier": "Something at {stage} made it harder to get help.",
    "risk": "Something at {stage} could bring back painful memories, or make people feel unsafe.",
}
"""What the room heard, where the room gave the issue no words of its own."""

STATUS_PLAIN = {
    "not started": "We have not started this yet.",
    "in progress": "We are working on this now.",
    "done": "This is done.",
    "dropped": "We have decided not to do this.",
}


def walked_sentence(walked: int) -> str:
    if walked == 0:
        return "We talked about the steps people take through our service."
    people = "1 made-up person" if walked == 1 else f"{walked} made-up people"
    return (
        f"We followed {people} through each step of our service. They are made up, so "
        "nobody's own story is told here."
    )


def plain_date(date: str | None) -> str:
    """ "14 March 2026" for 2026-03-14 (the text itself if it is not a date)."""
    import datetime as dt

    if not date:
        return ""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return date
    return f"{day.day} {day:%B %Y}"


def more_sentence(more: int) -> str:
    return f"There {'is 1 more thing' if more == 1 else f'are {more} more things'} on our list."
