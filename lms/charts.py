"""Charts drawn on the server as SVG with pygal: no script, no CDN, and the page
keeps the numbers in a table for screen readers (see the templates using it)."""

import re

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2937",
    foreground_strong="#111827",
    foreground_subtle="#4b5563",
    colors=("#1d4ed8",),
    font_family="system-ui, sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    title_font_size=16,
)
SERIES_STYLE = Style(
    **{
        name: getattr(STYLE, name)
        for name in (
            "background",
            "plot_background",
            "foreground",
            "foreground_strong",
            "foreground_subtle",
            "font_family",
            "label_font_size",
            "major_label_font_size",
            "title_font_size",
        )
    },
    colors=("#1d4ed8", "#15803d", "#b45309", "#7e22ce"),
)


def _whole_ticks(top):
    # Counts are whole numbers: whole ticks, about five of them.
    return list(range(0, top + 1, max(1, -(-top // 5)))) if top else [0, 1]


WIDTH, HEIGHT = 720, 320
LONGEST_LABEL = 32  # characters; longer ones end with "…" (the table has them whole)


def _label_layout(labels):
    """Labels side by side when each fits under its bar, else turned 35 degrees
    (with the chart taller by what they need): step titles never run into each
    other. pygal has no wrapping, and measures turned labels itself."""
    # About 0.6 em per character at the label size; the plot is ~80 % of the width.
    char = 0.6 * STYLE.label_font_size
    longest = max((len(label) for label in labels), default=0)
    if not labels or longest * char <= 0.8 * WIDTH / len(labels) - 8:
        return {"truncate_label": -1, "height": HEIGHT}
    shown = min(longest, LONGEST_LABEL)
    return {
        "truncate_label": LONGEST_LABEL,
        "x_label_rotation": 35,
        "height": HEIGHT + int(shown * char * 0.58),  # sin(35°)
    }


def _chart(kind, title, labels, *, x_title, y_title, top, **options):
    options.setdefault("style", STYLE)
    labels = [str(label) for label in labels]
    for name, value in _label_layout(labels).items():
        options.setdefault(name, value)
    chart = kind(
        js=[],  # pygal's tooltips would load a script from a CDN
        disable_xml_declaration=True,
        width=WIDTH,
        title=None,  # the page gives the chart its visible caption
        x_title=str(x_title),  # pygal writes them into JSON: no lazy strings
        y_title=str(y_title),
        y_labels=_whole_ticks(top),
        **options,
    )
    chart.x_labels = labels
    return chart


def _svg(chart, title):
    # pygal always embeds its tooltip configuration as a script; the chart needs none.
    svg = re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    # pygal writes the SVG with escaped labels; the title attribute is escaped here.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)
    )


def bar_chart(title, labels, values, *, x_title="", y_title=""):
    """An SVG bar chart; ``title`` names it for assistive technology (the page shows
    it as the caption, and the numbers in a table)."""
    values = list(values)
    chart = _chart(
        pygal.Bar,
        title,
        labels,
        x_title=x_title,
        y_title=y_title,
        top=max(values, default=0),
        show_legend=False,
        print_values=True,
    )
    chart.add(str(title), values)
    return _svg(chart, title)


def stacked_bar_chart(title, labels, series, *, x_title="", y_title=""):
    """Bars of several series stacked (``series``: {name: values}), with a legend;
    each series keeps a colour of 3:1 contrast or more on white."""
    series = {name: list(values) for name, values in series.items()}
    totals = [sum(column) for column in zip(*series.values(), strict=True)]
    chart = _chart(
        pygal.StackedBar,
        title,
        labels,
        x_title=x_title,
        y_title=y_title,
        top=max(totals, default=0),
        show_legend=True,
        legend_at_bottom=True,
        style=SERIES_STYLE,
    )
    for name, values in series.items():
        chart.add(str(name), values)
    return _svg(chart, title)


def _attr(text):
    return str(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
