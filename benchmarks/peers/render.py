"""Render the reference brief with each peer, from facts file bytes to output bytes.

    python benchmarks/peers/render.py typst FACTS OUT.pdf     # one render, as a process
    python benchmarks/peers/render.py docxtpl FACTS OUT.docx
    python benchmarks/peers/render.py reportlab FACTS OUT.pdf
    python benchmarks/peers/render.py docxtpl+typst FACTS OUT   # both formats, one process

Every function here parses the YAML itself (libyaml), builds the context and renders, so it is
timed over the same work a reportgen render starts from.
"""

from __future__ import annotations

import json
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
if str(HERE.parent.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent.parent))

from benchmarks.peers.context import brief_context  # noqa: E402

FONTS = HERE.parent.parent / "reportgen" / "fonts"
TYPST_SOURCE = HERE / "brief.typ"
DOCX_TEMPLATE = HERE / "brief_template.docx"


def load(facts: bytes) -> dict[str, Any]:
    """Return the facts as data, parsed by libyaml as a user of these tools would."""
    return yaml.load(facts, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# ---------------------------------------------------------------- Typst


class TypstBrief:
    """A Typst compiler kept warm (fonts loaded once); each call compiles fresh content."""

    def __init__(self) -> None:
        import typst

        self.compiler = typst.Compiler(
            str(TYPST_SOURCE), root=str(HERE), font_paths=[str(FONTS)], ignore_system_fonts=True
        )

    def __call__(self, facts: bytes) -> bytes:
        """Return the PDF of the brief."""
        data = json.dumps(brief_context(load(facts)), ensure_ascii=False)
        pdf: bytes = self.compiler.compile(sys_inputs={"data": data}, pdf_tags=False)
        return pdf


def typst_once(facts: bytes) -> bytes:
    """Return the PDF from a one-shot `typst.compile` (a new compiler: fonts read again)."""
    import typst

    data = json.dumps(brief_context(load(facts)), ensure_ascii=False)
    pdf: bytes = typst.compile(
        str(TYPST_SOURCE),
        root=str(HERE),
        font_paths=[str(FONTS)],
        ignore_system_fonts=True,
        sys_inputs={"data": data},
        pdf_tags=False,
    )
    return pdf


# ---------------------------------------------------------------- docxtpl


def docxtpl_brief(facts: bytes) -> bytes:
    """Return the DOCX of the brief: docxtpl fills brief_template.docx."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(DOCX_TEMPLATE)
    template.render(brief_context(load(facts)))
    out = BytesIO()
    template.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- plain reportlab


class ReportlabBrief:
    """Plain reportlab (platypus), fonts registered once; each call lays out fresh content."""

    def __init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, file in (("Noto", "NotoSans-Regular"), ("Noto-Bold", "NotoSans-Bold")):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{file}.ttf")))
        self.accent = colors.HexColor("#0b4f6c")
        self.pale = colors.HexColor("#e8f0f4")
        base = ParagraphStyle("body", fontName="Noto", fontSize=9, leading=12.5, spaceAfter=4)
        self.styles = {
            "body": base,
            "small": ParagraphStyle("small", base, fontSize=7, leading=9),
            "title": ParagraphStyle(
                "title", base, fontName="Noto-Bold", fontSize=20, leading=24, textColor=self.accent
            ),
            "h1": ParagraphStyle(
                "h1",
                base,
                fontName="Noto-Bold",
                fontSize=13,
                leading=16,
                spaceBefore=10,
                textColor=self.accent,
                keepWithNext=1,
            ),
            "box": ParagraphStyle(
                "box",
                base,
                backColor=self.pale,
                borderPadding=6,
                leftIndent=6,
                rightIndent=6,
                spaceBefore=6,
                spaceAfter=8,
            ),
            "bullet": ParagraphStyle("bullet", base, leftIndent=12, bulletIndent=2),
        }

    def __call__(self, facts: bytes) -> bytes:
        """Return the PDF of the brief."""
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm
        from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

        c = brief_context(load(facts))
        s = self.styles
        esc = _escape
        story: list[Any] = [
            Paragraph(esc(c["organisation"].upper()), s["small"]),
            Paragraph(esc(c["title"]), s["title"]),
            Paragraph(esc(c["subtitle"]), s["body"]),
            Paragraph(esc(f"{c['date']} · {c['byline']}"), s["small"]),
            Paragraph("Key messages", s["h1"]),
        ]
        story += [Paragraph(esc(m), s["bullet"], bulletText="•") for m in c["key_messages"]]
        tiles = [
            [
                [
                    Paragraph(f"<b>{esc(h['value'])}</b>", s["body"]),
                    Paragraph(esc(h["label"]), s["small"]),
                    Paragraph(esc(h["context"]), s["small"]),
                ]
                for h in c["highlights"]
            ]
        ]
        if tiles[0]:
            story.append(LongTable(tiles, style=[("BACKGROUND", (0, 0), (-1, -1), self.pale)]))
        story.append(Paragraph("Executive summary", s["h1"]))
        story += [Paragraph(esc(t), s["box"]) for t in c["summaries"]]
        for section in c["sections"]:
            story.append(Paragraph(esc(section["heading"]), s["h1"]))
            if section["summary"]:
                story.append(Paragraph(esc(section["summary"]), s["box"]))
            story += [Paragraph(esc(p), s["body"]) for p in section["paragraphs"]]
            story += [Paragraph(esc(p), s["bullet"], bulletText="•") for p in section["points"]]
        story.append(Paragraph("Budgets", s["h1"]))
        header = [
            "Programme",
            "Country",
            "Amount",
            "Equivalent (USD)",
            "Period",
            "Per year",
            "Share",
        ]
        rows = [[Paragraph(f"<b>{h}</b>", s["small"]) for h in header]]
        for r in c["budget_rows"]:
            rows.append(
                [Paragraph(esc(f"{r['name']} {r['cite']}"), s["small"])]
                + [
                    Paragraph(esc(r[k]), s["small"])
                    for k in ("owner", "native", "reporting", "period", "per_year", "share")
                ]
            )
        rows.append(["Total", "", "", c["budget_total"], "", "", ""])
        widths = [w * cm for w in (4.3, 2, 2.2, 2.2, 3.1, 2.2, 1.6)]
        story.append(
            LongTable(
                rows,
                colWidths=widths,
                repeatRows=1,
                style=[
                    ("BACKGROUND", (0, 0), (-1, 0), self.accent),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, self.pale),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ],
            )
        )
        story += [Paragraph(esc(n), s["small"]) for n in c["rate_notes"]]
        story.append(self._chart(c))
        story.append(Paragraph("Timeline", s["h1"]))
        story.append(
            LongTable(
                [["Date", "Event"]]
                + [[e["date"], Paragraph(esc(e["event"]), s["small"])] for e in c["timeline"]],
                colWidths=[3 * cm, 14 * cm],
                repeatRows=1,
            )
        )
        story.append(Paragraph("Sources", s["h1"]))
        story += [
            Paragraph(esc(t), s["small"], bulletText=f"{i + 1}.")
            for i, t in enumerate(c["sources"])
        ]
        story.append(Spacer(1, 1))
        out = BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=2.2 * cm,
            bottomMargin=2 * cm,
            title=c["title"],
            invariant=1,
        )
        doc.build(story, onFirstPage=self._furniture, onLaterPages=self._furniture)
        return out.getvalue()

    def _chart(self, c: dict[str, Any]) -> Any:
        """Return the budget bar chart as a reportlab Drawing."""
        from reportlab.graphics.shapes import Drawing, Rect, String

        bars = c["bars"][:12]
        drawing = Drawing(480, 14 * len(bars) + 10)
        for i, bar in enumerate(bars):
            y = drawing.height - 14 * (i + 1)
            drawing.add(String(0, y + 2, bar["name"][:40], fontName="Noto", fontSize=7))
            width = 300 * bar["value"] / c["bar_max"]
            fill = self.accent if bar["child"] else self.pale
            drawing.add(Rect(170, y, width, 10, fillColor=fill, strokeColor=self.accent))
        return drawing

    def _furniture(self, canvas: Any, doc: Any) -> None:
        """Draw the running header and 'Page N' footer."""
        canvas.saveState()
        canvas.setFont("Noto", 7)
        canvas.drawString(doc.leftMargin, 20, f"Page {doc.page}")
        canvas.restoreState()


def _escape(text: str) -> str:
    """Return text safe for reportlab's Paragraph markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- LibreOffice


def libreoffice_pdf(docx: Path, out_dir: Path, profile: Path) -> Path:
    """Convert a DOCX to PDF with headless LibreOffice (a process); return the PDF's path."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or "soffice"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out_dir / (docx.stem + ".pdf")


def main(argv: list[str]) -> None:
    """Render one brief with one peer (the cold, whole-process measurement)."""
    peer, facts, out = argv[0], Path(argv[1]).read_bytes(), Path(argv[2])
    if peer == "typst":
        out.write_bytes(TypstBrief()(facts))
    elif peer == "typst-once":
        out.write_bytes(typst_once(facts))
    elif peer == "docxtpl":
        out.write_bytes(docxtpl_brief(facts))
    elif peer == "reportlab":
        out.write_bytes(ReportlabBrief()(facts))
    elif peer == "docxtpl+typst":
        out.with_suffix(".docx").write_bytes(docxtpl_brief(facts))
        out.with_suffix(".pdf").write_bytes(TypstBrief()(facts))
    elif peer == "docxtpl+libreoffice":
        docx = out.with_suffix(".docx")
        docx.write_bytes(docxtpl_brief(facts))
        libreoffice_pdf(docx, out.parent, Path(argv[3]))
    else:
        raise SystemExit(f"unknown peer {peer!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
