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


def bar_chart(title, labels, values, *, x_title="", y_title=""):
    """An SVG bar chart; ``title`` names it for assistive technology (the page shows
    it as the caption, and the numbers in a table)."""
    values = list(values)
    top = max(values, default=0)
    chart = pygal.Bar(
        js=[],  # pygal's tooltips would load a script from a CDN
        disable_xml_declaration=True,
        show_legend=False,
        width=720,
        height=320,
        style=STYLE,
        title=None,  # the page gives the chart its visible caption
        x_title=x_title,
        y_title=y_title,
        print_values=True,
        truncate_label=-1,  # labels in full, never "10-19…"
        # Counts are whole numbers: whole ticks, about five of them.
        y_labels=list(range(0, top + 1, max(1, -(-top // 5)))) if top else [0, 1],
    )
    chart.x_labels = [str(label) for label in labels]
    chart.add(title, values)
    # pygal always embeds its tooltip configuration as a script; the chart needs none.
    svg = re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    # pygal writes the SVG with escaped labels; the title attribute is escaped here.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)
    )


def _attr(text):
    return str(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
