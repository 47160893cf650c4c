"""Themes for a projected screen. Tag colours come from the Okabe-Ito colour-blind-safe palette,
and every colour also has a symbol and a word beside it."""

from __future__ import annotations

from textual.theme import Theme

# Sky blue, orange and reddish purple stay distinct for the common kinds of colour blindness.
TAG_COLOURS_DARK = {"positive": "#56B4E9", "barrier": "#E69F00", "risk": "#CC79A7"}
TAG_COLOURS_LIGHT = {"positive": "#0072B2", "barrier": "#A85A00", "risk": "#A0356F"}


THEMES = [
    Theme(
        name="lensmap-dark",
        primary="#56B4E9",
        secondary="#009E73",
        accent="#F0E442",
        foreground="#EDEDED",
        background="#15171C",
        surface="#1E2128",
        panel="#272B33",
        success="#009E73",
        warning="#E69F00",
        error="#D55E00",
        dark=True,
        variables=dict(TAG_COLOURS_DARK),
    ),
    Theme(
        name="lensmap-projector",
        primary="#FFFFFF",
        secondary="#F0E442",
        accent="#F0E442",
        foreground="#FFFFFF",
        background="#000000",
        surface="#000000",
        panel="#1A1A1A",
        success="#56B4E9",
        warning="#E69F00",
        error="#FF8C69",
        dark=True,
        luminosity_spread=0.25,
        text_alpha=1.0,
        variables=dict(TAG_COLOURS_DARK),
    ),
    Theme(
        name="lensmap-light",
        primary="#0072B2",
        secondary="#009E73",
        accent="#A85A00",
        foreground="#000000",
        background="#FFFFFF",
        surface="#F4F4F4",
        panel="#E6E6E6",
        success="#007A5A",
        warning="#A85A00",
        error="#B34700",
        dark=False,
        text_alpha=1.0,
        variables=dict(TAG_COLOURS_LIGHT),
    ),
]
THEME_NAMES = [t.name for t in THEMES]
THEME_WORDS = {
    "lensmap-dark": "calm dark",
    "lensmap-projector": "high contrast (projector)",
    "lensmap-light": "light (bright rooms)",
}
