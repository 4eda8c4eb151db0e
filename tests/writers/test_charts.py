"""The charts: drawn from the model, proportional, legible, and the same picture as PDF and PNG."""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Rect, String
from reportlab.lib.colors import black, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reportgen.errors import LayoutError
from reportgen.model import Bar, BarChart, Figure, Milestone, TimelineChart, from_json
from reportgen.theme import Theme, default_theme
from reportgen.writers.charts import chart_text, drawing, png
from reportgen.writers.charts.fonts import chart_fonts, label
from reportgen.writers.charts.raster import drawing_pdf, drawing_png, pixel_size

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"
WIDTH = 480.0  # A4 text width, about

BUDGET = BarChart(
    unit="USD million",
    bars=(
        Bar("CMM program", 675.0, "$675 million", "$675 million"),
        Bar("NCMM", 1877.2, "$1.88 billion", "₹16,300 crore"),
        Bar("Exploration", 806.2, "$806 million", "₹7,000 crore", parent="NCMM"),
        Bar("Recycling incentive", 172.7, "$173 million", "₹1,500 crore", parent="NCMM"),
    ),
)
MILESTONES = TimelineChart(
    milestones=(
        Milestone("2020", 2020.0, "The US authorises $675 million for the CMM program."),
        Milestone(
            "2023",
            2023.0,
            "India joins the US-led Minerals Security Partnership (MSP) and the Minerals "
            "Security Finance Network.",
        ),
        Milestone(
            "January 2025",
            2025.04,
            "India's National Critical Minerals Mission is approved with ₹16,300 crore.",
        ),
        Milestone("February 2025", 2025.12, "TRUST is announced during the visit to Washington."),
    )
)
CROWDED = TimelineChart(
    milestones=tuple(
        Milestone(f"{year:g}", year, f"Event {i}: a somewhat long description of what happened")
        for i, year in enumerate((2001, 2003.5, 2004, 2004.2, 2004.3, 2004.4, 2010, 2024.9))
    )
)


@pytest.fixture(scope="module")
def theme() -> Theme:
    """Return the house theme."""
    return default_theme()


def nodes(group: Group) -> Iterator[object]:
    """Yield every shape of a drawing, depth first."""
    for node in group.contents:
        yield node
        if isinstance(node, Group):
            yield from nodes(node)


def strings(d: Drawing) -> list[String]:
    """Return the drawing's text nodes."""
    return [n for n in nodes(d) if isinstance(n, String)]


def texts(d: Drawing) -> list[str]:
    """Return the drawing's texts in drawing order."""
    return [s.text for s in strings(d)]


def overlaps(a: tuple[float, ...], b: tuple[float, ...], slack: float = 0.5) -> bool:
    """Return whether two (x0, y0, x1, y1) boxes overlap by more than `slack` points."""
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


# ------------------------------------------------------------------ bar chart


def test_bar_chart_labels_and_amounts_come_from_the_model(theme: Theme) -> None:
    shown = texts(drawing(BUDGET, theme, WIDTH))
    for bar in BUDGET.bars:
        label = bar.label if bar.parent is None else f"of which {bar.label}"
        assert label in shown
        assert bar.value_label in shown
    assert "₹16,300 crore" in shown and "₹7,000 crore" in shown
    # A note that repeats the value label is not printed twice.
    assert shown.count("$675 million") == 1
    assert "USD million" in shown


def test_bar_lengths_are_proportional_to_values(theme: Theme) -> None:
    d = drawing(BUDGET, theme, WIDTH)
    rects = [getattr(d, f"bar{i}") for i in range(len(BUDGET.bars))]
    ratios = [r.width / bar.value for r, bar in zip(rects, BUDGET.bars, strict=True)]
    assert max(ratios) == pytest.approx(min(ratios), rel=1e-9)
    assert {r.x for r in rects} == {rects[0].x}  # one zero line for every bar


def test_of_which_bars_sit_inside_their_programme(theme: Theme) -> None:
    d = drawing(BUDGET, theme, WIDTH)
    total, parts = d.bar1, (d.bar2, d.bar3)
    for part in parts:
        assert total.x <= part.x and part.x + part.width <= total.x + total.width
        assert total.y <= part.y and part.y + part.height <= total.y + total.height
        # Told apart by lightness, not hue: readable in grey-scale print.
        assert abs(luminance(part.fillColor) - luminance(total.fillColor)) > 0.3


def luminance(colour: object) -> float:
    """Return the relative luminance (0 black .. 1 white) of a reportlab colour."""
    lin = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (colour.red, colour.green, colour.blue)  # type: ignore[attr-defined]
    ]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_bar_chart_from_the_fixture_draws_its_figure(theme: Theme) -> None:
    doc = from_json(FIXTURE.read_text(encoding="utf-8"))
    figures = [b for b in doc.blocks if isinstance(b, Figure)]
    assert figures
    for figure in figures:
        shown = texts(drawing(figure.chart, theme, WIDTH))
        if isinstance(figure.chart, BarChart):
            assert all(bar.value_label in shown for bar in figure.chart.bars)


ONE_SHORT_BAR = BarChart(bars=(Bar("x", 1.0, "₹"),))


@pytest.mark.parametrize("width", [WIDTH, 300.0])
@pytest.mark.parametrize("chart", [BUDGET, ONE_SHORT_BAR], ids=["budget", "short"])
def test_bar_chart_text_is_legible_and_inside_the_drawing(
    theme: Theme, width: float, chart: BarChart
) -> None:
    d = drawing(chart, theme, width)
    boxes = [s.getBounds() for s in strings(d)]
    assert all(s.fontSize >= 7 for s in strings(d))
    for x0, y0, x1, y1 in boxes:
        assert x0 >= 0 and x1 <= width - 1 and y0 >= 0 and y1 <= d.height
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b), (a, b)


def test_bar_chart_refuses_negative_values_and_unknown_parents(theme: Theme) -> None:
    with pytest.raises(LayoutError, match="Cut"):
        drawing(BarChart(bars=(Bar("Cut", -5.0, "-$5 million"),)), theme, WIDTH)
    with pytest.raises(LayoutError, match="Ghost"):
        orphan = Bar("Part", 5.0, "$5 million", parent="Ghost")
        drawing(BarChart(bars=(orphan,)), theme, WIDTH)


def test_empty_chart_gives_a_short_drawing_that_says_so(theme: Theme) -> None:
    for empty in (BarChart(bars=()), TimelineChart(milestones=())):
        d = drawing(empty, theme, WIDTH)
        assert texts(d) == ["No data to chart."]
        assert d.width == WIDTH and 0 < d.height < 50
        assert chart_text(empty) == "No data to chart."


# ------------------------------------------------------------------ fonts


def test_rupee_sign_is_drawn_with_a_truetype_font_that_has_it(theme: Theme) -> None:
    rupee = [s for s in strings(drawing(BUDGET, theme, WIDTH)) if "₹" in s.text]
    assert rupee
    for s in rupee:
        font = pdfmetrics.getFont(s.fontName)
        assert isinstance(font, TTFont)  # not a standard-14 font that lacks ₹
        assert Path(font.face.filename).parent.name == "fonts"  # the package's own file
        assert 0x20B9 in font.face.charToGlyph  # a real glyph, not .notdef


def test_rupee_sign_reaches_the_vector_pdf_as_text(theme: Theme) -> None:
    pypdf = pytest.importorskip("pypdf")
    pdf = pypdf.PdfReader(io.BytesIO(drawing_pdf(drawing(BUDGET, theme, WIDTH))))
    text = pdf.pages[0].extract_text()
    assert "₹16,300 crore" in text
    fonts = {
        str(f["/BaseFont"])
        for f in pdf.pages[0]["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert fonts and all("NotoSans" in name for name in fonts)  # no unembedded Helvetica


def test_rupee_sign_is_drawn_as_a_rupee_in_the_png(theme: Theme) -> None:
    # A font without the glyph draws nothing or an empty box (.notdef). The rupee sign is a
    # full bar across its top standing on one thin diagonal leg: check for that silhouette.
    fonts = chart_fonts(theme)
    d = Drawing(60, 60)
    d.add(label(10, 15, "₹", fonts.regular, 40, black, "start", fonts))
    ink = Image.open(io.BytesIO(drawing_png(d, 72))).convert("L").point(lambda v: v < 128)
    box = ink.getbbox()
    assert box is not None, "the rupee sign left no ink"
    glyph = ink.crop(box)
    width, height = glyph.size

    def row(y: int) -> float:
        return sum(1 for x in range(width) if glyph.getpixel((x, y))) / width

    assert height > 20 and row(0) > 0.7 and row(height - 1) < 0.5


def test_devanagari_labels_use_the_devanagari_font_shaped(theme: Theme) -> None:
    chart = BarChart(bars=(Bar("राष्ट्रीय खनिज मिशन", 10.0, "$1 million"),))
    deva = [
        s
        for s in strings(drawing(chart, theme, WIDTH))
        if s.fontName.endswith("Bold") and "Devanagari" in s.fontName
    ]
    assert [str(s.text).strip() for s in deva if len(str(s.text)) > 2]
    assert all(hasattr(s.text, "__shapeData__") for s in deva)  # glyphs chosen by HarfBuzz


def test_mixed_latin_and_devanagari_label_draws_each_run_in_its_font(theme: Theme) -> None:
    # One String per label drew the Latin words in the Devanagari font (as boxes, where it
    # lacks them) or left Devanagari unshaped; now each font run is its own String.
    chart = BarChart(bars=(Bar("Mission मिशन Office", 10.0, "$1 million"),))
    drawn = [(s.fontName, str(s.text)) for s in strings(drawing(chart, theme, WIDTH))]
    latin = [font for font, text in drawn if "Mission" in text or "Office" in text]
    assert latin and all(font.startswith("NotoSans-") for font in latin)
    (deva,) = [s for s in strings(drawing(chart, theme, WIDTH)) if "Devanagari" in s.fontName]
    # HarfBuzz draws the short-i sign (a glyph variant of U+093F) before its consonant,
    # as a reader sees it; unshaped, "म" would come first. (The cluster "मि" is drawn with
    # codes of its own, so that its text reads in logical order: compare glyphs, not codes.)
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(deva.fontName).face
    glyphs = [face.charToGlyph[ord(c)] for c in str(deva.text)]
    expected = [face.charToGlyph[ord(c)] for c in "मशन"]
    assert glyphs[0] != expected[0] and glyphs[1:] == expected


# ------------------------------------------------------------------ PNG


def test_png_has_the_pixel_size_of_its_dpi(theme: Theme) -> None:
    for dpi in (96, 200, 300):
        data = png(BUDGET, theme, WIDTH, dpi=dpi)
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        d = drawing(BUDGET, theme, WIDTH)
        image = Image.open(io.BytesIO(data))
        assert image.size == pixel_size(WIDTH, d.height, dpi)
        assert image.size[0] == round(WIDTH * dpi / 72)
        assert round(image.info["dpi"][0]) == dpi


def test_png_is_byte_identical_for_the_same_input(theme: Theme) -> None:
    assert png(MILESTONES, theme, WIDTH) == png(MILESTONES, theme, WIDTH)
    assert png(BUDGET, theme, WIDTH) == png(BUDGET, theme, WIDTH)


def test_png_shows_the_bars_where_the_drawing_puts_them(theme: Theme) -> None:
    d = drawing(BUDGET, theme, WIDTH)
    image = Image.open(io.BytesIO(png(BUDGET, theme, WIDTH, dpi=72))).convert("RGB")
    part = d.bar2
    x = round(part.x + part.width / 2)
    y = round(d.height - (part.y + part.height / 2))  # PNG rows run downwards
    assert image.getpixel((x, y)) == tuple(round(c * 255) for c in part.fillColor.rgb())


def test_png_rejects_an_absurd_resolution(theme: Theme) -> None:
    with pytest.raises(LayoutError):
        png(BUDGET, theme, WIDTH, dpi=5)


# ------------------------------------------------------------------ timeline


def test_timeline_labels_and_dates_come_from_the_model(theme: Theme) -> None:
    d = drawing(MILESTONES, theme, WIDTH)
    shown = texts(d)
    joined = " ".join(shown)
    for m in MILESTONES.milestones:
        assert m.date in shown
        assert " ".join(m.label.split()) in joined
    assert {"2020", "2023", "2025"} <= set(shown)  # the axis years


def test_timeline_markers_are_placed_by_year(theme: Theme) -> None:
    d = drawing(MILESTONES, theme, WIDTH)
    markers = [getattr(d, f"marker{i}") for i in range(len(MILESTONES.milestones))]
    assert all(isinstance(m, Circle) for m in markers)
    years = [m.year for m in MILESTONES.milestones]
    xs = [m.cx for m in markers]
    # Positions are an affine function of the year: equal ratios of differences.
    scale = (xs[1] - xs[0]) / (years[1] - years[0])
    for x, year in zip(xs, years, strict=True):
        assert x == pytest.approx(xs[0] + scale * (year - years[0]))


@pytest.mark.parametrize("chart", [MILESTONES, CROWDED], ids=["seed", "crowded"])
@pytest.mark.parametrize("width", [WIDTH, 320.0])
def test_timeline_text_never_collides(theme: Theme, chart: TimelineChart, width: float) -> None:
    d = drawing(chart, theme, width)
    boxes = [s.getBounds() for s in strings(d)]
    assert all(s.fontSize >= 7 for s in strings(d))
    for x0, _, x1, _ in boxes:
        assert x0 >= -0.5 and x1 <= width + 0.5
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b), (a, b)


def test_timeline_of_one_milestone_draws(theme: Theme) -> None:
    chart = TimelineChart(milestones=(Milestone("March 2025", 2025.2, "Only one event"),))
    assert "Only one event" in texts(drawing(chart, theme, WIDTH))


# ------------------------------------------------------------------ text


def test_chart_text_says_what_the_chart_shows() -> None:
    text = chart_text(BUDGET)
    assert "NCMM: $1.88 billion (₹16,300 crore)" in text
    assert "of which Exploration: $806 million (₹7,000 crore)" in text
    assert "CMM program: $675 million." in text
    timeline = chart_text(MILESTONES)
    assert timeline.index("2020:") < timeline.index("2023:") < timeline.index("February 2025:")


@pytest.mark.parametrize("chart", [BUDGET, MILESTONES, CROWDED], ids=["budget", "seed", "crowded"])
def test_nothing_is_drawn_over_a_text(theme: Theme, chart: BarChart | TimelineChart) -> None:
    # White patches let leaders pass behind year numbers and labels; none may cover a text.
    d = drawing(chart, theme, WIDTH)
    shapes = list(nodes(d))
    for i, s in enumerate(shapes):
        if isinstance(s, String):
            later = [n.getBounds() for n in shapes[i + 1 :] if isinstance(n, (Rect, Circle))]
            assert not any(overlaps(p, s.getBounds(), slack=1.0) for p in later), s.text


def contrast(a: object, b: object) -> float:
    """Return the WCAG contrast ratio of two reportlab colours."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("template", ["policy-brief", "fact-sheet"])
@pytest.mark.parametrize("chart", [BUDGET, MILESTONES], ids=["budget", "timeline"])
def test_every_chart_text_is_readable_on_what_lies_behind_it(
    template: str, chart: BarChart | TimelineChart
) -> None:
    from reportgen.themefile import load_theme

    root = Path(__file__).resolve().parents[2]
    theme = load_theme(root / "templates" / template / "theme.yaml")
    d = drawing(chart, theme, WIDTH)
    shapes = list(nodes(d))
    for s in strings(d):
        x0, y0, x1, y1 = s.getBounds()
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        behind = [
            r
            for r in shapes[: shapes.index(s)]
            if isinstance(r, Rect)
            and r.fillColor is not None
            and r.x <= cx <= r.x + r.width
            and r.y <= cy <= r.y + r.height
        ]
        background = behind[-1].fillColor if behind else white
        assert contrast(s.fillColor, background) >= 4.5, s.text


WORDS = st.sampled_from(
    [
        "Mission",
        "Critical",
        "programme",
        "of",
        "the",
        "₹",
        "CMM",
        "R&D",
        "Infrastructure-and-Exploration-Programme",
    ]
)
LABELS = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)


@st.composite
def budget_charts(draw: st.DrawFn) -> BarChart:
    """Return a random budget chart: programmes, some with "of which" parts."""
    bars: list[Bar] = []
    for i in range(draw(st.integers(1, 6))):
        total = draw(st.floats(0, 5e4, allow_nan=False))
        label = f"{draw(LABELS)} {i}"
        bars.append(
            Bar(label, total, f"${total:,.0f} million", draw(st.sampled_from(["", "₹9 crore"])))
        )
        for j in range(draw(st.integers(0, 2))):
            part = draw(st.floats(0, total, allow_nan=False))
            bars.append(
                Bar(f"{draw(LABELS)} {i}.{j}", part, f"${part:,.1f}m", "₹1,000 crore", label)
            )
    return BarChart(bars=tuple(bars), unit="USD million")


@st.composite
def timelines(draw: st.DrawFn) -> TimelineChart:
    """Return a random timeline of one to eight milestones within a few decades."""
    years = draw(st.lists(st.floats(1990, 2030, allow_nan=False), min_size=1, max_size=14))
    return TimelineChart(milestones=tuple(Milestone(f"{y:.1f}", y, draw(LABELS)) for y in years))


def assert_laid_out(d: Drawing, width: float) -> None:
    """Assert that no two texts of `d` overlap and that all lie inside it."""
    boxes = [s.getBounds() for s in strings(d)]
    for x0, y0, x1, y1 in boxes:
        assert x0 >= -0.5 and x1 <= width + 0.5 and y0 >= -0.5 and y1 <= d.height + 0.5
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b), (a, b)


@settings(
    max_examples=int(os.environ.get("CHART_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(chart=budget_charts(), width=st.sampled_from([300.0, 480.0]))
def test_any_budget_chart_lays_out_without_collisions(chart: BarChart, width: float) -> None:
    assert_laid_out(drawing(chart, default_theme(), width), width)


@settings(
    max_examples=int(os.environ.get("CHART_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(chart=timelines(), width=st.sampled_from([320.0, 480.0]))
def test_any_timeline_lays_out_without_collisions(chart: TimelineChart, width: float) -> None:
    d = drawing(chart, default_theme(), width)
    assert_laid_out(d, width)
    assert_no_line_crosses_text(d)


def assert_no_line_crosses_text(d: Drawing) -> None:
    """Assert that no line (leader, rule, axis) visibly runs through a text.

    A line may pass behind a text on a white patch drawn after the line (year numbers, and
    labels of an inner tier): the patch hides it.
    """
    shapes = list(nodes(d))
    for i, line in enumerate(shapes):
        if not isinstance(line, Line):
            continue
        texts_ = [n.getBounds() for n in shapes if isinstance(n, String)]
        patches = [n.getBounds() for n in shapes[i + 1 :] if isinstance(n, Rect)]
        for t in (k / 40 for k in range(41)):
            x = line.x1 + (line.x2 - line.x1) * t
            y = line.y1 + (line.y2 - line.y1) * t
            hit = any(
                x0 + 0.5 < x < x1 - 0.5 and y0 + 0.5 < y < y1 - 0.5 for x0, y0, x1, y1 in texts_
            )
            hidden = any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in patches)
            assert not hit or hidden, (x, y)
