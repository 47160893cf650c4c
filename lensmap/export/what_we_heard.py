"""what-we-heard.md and what-we-heard.html: "What we heard, what we are doing", a page in
plain English for the people with lived experience who took part. What the room found,
what is being kept, and what is being done about each priority and how far it has got.

No scores, no ranking rule, no jargon, short sentences, large type. It is source text for
trained Easy Read producers, and says so: it is not Easy Read itself. Nothing on it says who
raised what, and the event's place is left out."""

from __future__ import annotations

from ..event.plan_update import NOT_STARTED
from ..event.priorities import default_title
from ..wording.plain_words import (
    ABOUT_THIS_PAGE,
    KEEP_INTRO,
    KIND_PLAIN,
    NO_ACTION_YET,
    NOTHING_FOUND,
    NOTHING_KEPT,
    STATUS_PLAIN,
    THANKS,
    more_sentence,
    plain_date,
    walked_sentence,
)
from .escaping import markdown_lines, markdown_text
from .issues_list import Report

TITLE = "What we heard, what we are doing"
MOST = 10  # the priorities a reader can take in; the rest are counted, not listed


def priorities(report: Report) -> list[dict[str, str]]:
    """Each priority in the room's order, in plain words: what we heard, what we are doing,
    where it is up to, and when."""
    found = []
    for issue in report.issues[:MOST]:
        stage = report.stage(issue.stage)
        own = issue.title != default_title(report.content.pathway, issue.stage, issue.kind)
        found.append(
            {
                "stage": stage,
                "heard": issue.title if own else KIND_PLAIN[issue.kind].format(stage=stage),
                "doing": issue.action or NO_ACTION_YET,
                "status": STATUS_PLAIN[issue.status or NOT_STARTED],
                "when": issue.timeframe or "",
            }
        )
    return found


def _facts(report: Report) -> dict[str, object]:
    content = report.content
    event = content.event
    walked = len([j for j in content.journeys if j.steps])
    return {
        "event": event.title or content.pathway.title,
        "date": plain_date(event.date),
        "walked": walked_sentence(walked),
        "priorities": priorities(report),
        "more": more_sentence(len(report.issues) - MOST) if len(report.issues) > MOST else "",
        "keep": [report.stage(item.stage) for item in report.keep],
    }


def what_we_heard_markdown(report: Report) -> str:
    facts = _facts(report)
    md = markdown_text
    lines = [f"# {TITLE}", "", f"{md(facts['event'])}"]
    if facts["date"]:
        lines[-1] += f", {md(facts['date'])}"
    lines += ["", f"*{ABOUT_THIS_PAGE}*", "", THANKS, "", str(facts["walked"]), ""]
    lines += ["## What we heard", ""]
    chosen: list[dict[str, str]] = facts["priorities"]  # type: ignore[assignment]
    if not chosen:
        lines += [NOTHING_FOUND, ""]
    for n, item in enumerate(chosen, start=1):
        lines += [
            f"### {n}. {md(item['stage'])}",
            "",
            f"**What we heard:** {markdown_lines(item['heard'], '')}",
            "",
            f"**What we are doing:** {markdown_lines(item['doing'], '')}",
            "",
            f"**Where it is up to:** {item['status']}",
            "",
        ]
        if item["when"]:
            lines += [f"**When:** {md(item['when'])}", ""]
    if facts["more"]:
        lines += [str(facts["more"]), ""]
    lines += ["## What works well, and we will keep", ""]
    kept: list[str] = facts["keep"]  # type: ignore[assignment]
    lines += [KEEP_INTRO, ""] if kept else [NOTHING_KEPT, ""]
    lines += [f"- {md(stage)}" for stage in kept]
    lines.append("")
    return "\n".join(lines)


def what_we_heard_html(report: Report) -> str:
    from .report import render_page

    return render_page(
        "what_we_heard.html",
        title=TITLE,
        about=ABOUT_THIS_PAGE,
        thanks=THANKS,
        nothing_found=NOTHING_FOUND,
        nothing_kept=NOTHING_KEPT,
        keep_intro=KEEP_INTRO,
        **_facts(report),
    )
