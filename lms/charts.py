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


def _chart(kind, title, labels, *, x_title, y_title, top, **options):
    options.setdefault("style", STYLE)
    chart = kind(
        js=[],  # pygal's tooltips would load a script from a CDN
        disable_xml_declaration=True,
        width=720,
        height=320,
        title=None,  # the page gives the chart its visible caption
        x_title=str(x_title),  # pygal writes them into JSON: no lazy strings
        y_title=str(y_title),
        truncate_label=-1,  # labels in full, never "10-19…"
        y_labels=_whole_ticks(top),
        **options,
    )
    chart.x_labels = [str(label) for label in labels]
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
        x_label_rotation=40 if len(labels) > 6 else 0,
    )
    for name, values in series.items():
        chart.add(str(name), values)
    return _svg(chart, title)


def _attr(text):
    return str(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
