"""Fonts inside the DOCX: obfuscated parts Word and LibreOffice use where the fonts are missing."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from reportgen import model as m
from reportgen.theme import default_theme
from reportgen.writers.docx import write_docx
from reportgen.writers.docx.fontembed import CONTENT_TYPE, obfuscate
from reportgen.writers.pdf import render_pdf
from tests.conftest import SEED
from tests.word.conftest import GRID, document_of

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def zip_parts(data: bytes) -> dict[str, bytes]:
    """Return every member of a zip by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def hindi_doc() -> m.Document:
    """Return a small document with a Hindi paragraph."""
    text = "भारत की ऋण सहायता से वितरण नेटवर्क का आधुनिकीकरण होगा।"
    return m.Document(m.Meta(title="T"), (m.Paragraph((m.Text(text),)),))


def test_the_body_family_is_embedded_in_four_styles_as_word_does() -> None:
    parts = zip_parts(write_docx(hindi_doc()))
    table = parts["word/fontTable.xml"].decode()
    noto = re.search(r'<w:font w:name="Noto Sans">(.*?)</w:font>', table).group(1)
    embeds = re.findall(r'<w:embed(\w+) r:id="(\w+)" w:fontKey="(\{[0-9A-F-]{36}\})"/>', noto)
    assert [kind for kind, _, _ in embeds] == ["Regular", "Bold", "Italic", "BoldItalic"]
    rels = parts["word/_rels/fontTable.xml.rels"].decode()
    theme = default_theme()
    files = (theme.body_font.regular, theme.body_font.bold, theme.body_font.italic,
             theme.body_font.bold_italic)  # fmt: skip
    for (_, rid, key), path in zip(embeds, files, strict=True):
        target = re.search(rf'Id="{rid}" Type="{R}/font" Target="([^"]+)"', rels).group(1)
        stored = parts[f"word/{target}"]
        assert target.endswith(".odttf") and stored[:32] != path.read_bytes()[:32]
        assert obfuscate(stored, key) == path.read_bytes()  # the whole font, not a subset
    assert "<w:embedTrueTypeFonts/>" in parts["word/settings.xml"].decode()
    assert (
        f'Extension="odttf" ContentType="{CONTENT_TYPE}"' in parts["[Content_Types].xml"].decode()
    )


def test_script_fonts_are_embedded_only_when_the_text_uses_them() -> None:
    hindi = zip_parts(write_docx(hindi_doc()))["word/fontTable.xml"].decode()
    assert re.search(r'w:name="Noto Sans Devanagari">.*?<w:embedRegular ', hindi)
    english = m.Document(m.Meta(title="T"), (m.Paragraph((m.Text("Only English."),)),))
    parts = zip_parts(write_docx(english))
    assert "Devanagari" not in parts["word/fontTable.xml"].decode()
    assert len([n for n in parts if n.startswith("word/fonts/")]) == 4


def test_obfuscation_follows_the_standard_key_order() -> None:
    # ECMA-376 17.8.1: XOR the first 32 bytes with the GUID's 16 bytes read from the end.
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    out = obfuscate(bytes(40), key)
    assert out[:16] == bytes.fromhex("FFEEDDCCBBAA99887766554433221100")
    assert out[16:32] == out[:16] and out[32:] == bytes(8)


def test_theme_switch_leaves_fonts_named_only() -> None:
    theme = dataclasses.replace(default_theme(), embed_fonts=False)
    parts = zip_parts(write_docx(hindi_doc(), theme))
    assert not [n for n in parts if n.startswith("word/fonts/")]
    assert "embed" not in parts["word/fontTable.xml"].decode()
    assert "embedTrueTypeFonts" not in parts["word/settings.xml"].decode()
    assert "word/_rels/fontTable.xml.rels" not in parts


def test_theme_file_key_fonts_embed(tmp_path: Path) -> None:
    from reportgen.themefile import ThemeFileError, load_theme

    path = tmp_path / "theme.yaml"
    path.write_text("fonts:\n  embed: false\n", encoding="utf-8")
    assert load_theme(path).embed_fonts is False
    path.write_text("fonts:\n  embed: maybe\n", encoding="utf-8")
    with pytest.raises(ThemeFileError, match=r"fonts\.embed"):
        load_theme(path)


def test_python_docx_reopens_a_docx_with_fonts() -> None:
    document = docx.Document(io.BytesIO(write_docx(hindi_doc())))
    assert "आधुनिकीकरण" in document.paragraphs[-1].text


# ---------------------------------------------------------------- LibreOffice without Noto


@pytest.fixture(scope="module")
def no_noto(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Return an environment whose fontconfig sees the system's fonts except every Noto font."""
    for program in ("soffice", "fc-list", "pdffonts"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed")
    home = tmp_path_factory.mktemp("no-noto-home")
    conf = home / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>/usr/share/fonts</dir><dir>/usr/local/share/fonts</dir>"
        f"<cachedir>{home}/cache</cachedir><selectfont><rejectfont>"
        "<glob>/usr/share/fonts/*/noto/*</glob><glob>/usr/share/fonts/*/Noto*</glob>"
        "<glob>/usr/share/fonts/*/*/Noto*</glob><glob>/usr/local/share/fonts/*Noto*</glob>"
        "</rejectfont></selectfont></fontconfig>\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HOME": str(home), "FONTCONFIG_FILE": str(conf)}
    env.pop("FONTCONFIG_PATH", None)
    listed = subprocess.run(["fc-list"], env=env, capture_output=True, text=True, check=True)
    assert listed.stdout.strip(), "the private fontconfig sees no font at all"
    assert "noto" not in listed.stdout.lower(), "a Noto font is still visible"
    return env


def lo_pdf(data: bytes, folder: Path, env: dict[str, str]) -> Path:
    """Return LibreOffice's PDF of DOCX bytes, converted under `env`."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "brief.docx"
    source.write_bytes(data)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        env=env, capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    return folder / "brief.pdf"


def pdf_font_names(path: Path) -> set[str]:
    """Return the base font names pdffonts lists, without subset prefixes."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return {line.split()[0].split("+")[-1] for line in out.stdout.splitlines()[2:]}


def first_page_lines(pdf: bytes) -> list[str]:
    """Return the text lines of a PDF's first page, white space collapsed."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    lines = []
    for page in extract_pages(io.BytesIO(pdf), maxpages=1):
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    if isinstance(line, LTTextLine):
                        lines.append(re.sub(r"\s+", " ", line.get_text()).strip())
    return [line for line in lines if line]


def broken_as(text: str, lines: list[str]) -> list[str]:
    """Return the consecutive lines that together read `text`: how the text was broken."""
    want = re.sub(r"\s+", " ", text).strip()
    for start, line in enumerate(lines):
        if not want.startswith(line):
            continue
        joined, run = "", []
        for piece in lines[start:]:
            joined = f"{joined} {piece}".strip() if joined else piece
            run.append(piece)
            if joined == want:
                return run
            if not want.startswith(joined):
                break
    raise AssertionError(f"{text!r} is not on the first page as whole lines: {lines}")


def title_block_and_tiles(doc: m.Document) -> list[str]:
    """Return the texts of the title block and of every key-figure tile."""
    meta = doc.meta
    texts = [meta.title, meta.subtitle]
    for block in doc.blocks:
        if isinstance(block, m.KeyFigures):
            for tile in block.items:
                texts += [tile.value, m.plain_text(tile.label), m.plain_text(tile.context)]
    return [t for t in texts if t]


@pytest.mark.slow
@pytest.mark.parametrize("facts", [SEED, GRID], ids=["seed", "grid"])
def test_libreoffice_without_noto_sets_the_docx_in_noto_with_the_pdfs_line_breaks(
    facts: Path, no_noto: dict[str, str], tmp_path: Path
) -> None:
    doc = document_of(facts)
    ours, _ = render_pdf(doc, default_theme())
    embedded = lo_pdf(write_docx(doc), tmp_path / "embedded", no_noto)
    fonts = pdf_font_names(embedded)
    assert {"NotoSans-Regular", "NotoSans-Bold"} <= fonts, fonts
    if facts == GRID:  # its authors line is partly Hindi
        assert any(name.startswith("NotoSansDevanagari") for name in fonts), fonts
    texts = title_block_and_tiles(doc)
    assert len(texts) >= 10
    ours_lines, lo_lines = first_page_lines(ours), first_page_lines(embedded.read_bytes())
    texts += [line for line in ours_lines if line.startswith(doc.meta.date)][:1]  # date line
    assert [broken_as(t, lo_lines) for t in texts] == [broken_as(t, ours_lines) for t in texts]
    # The control: named but not embedded, LibreOffice substitutes another font.
    plain = dataclasses.replace(default_theme(), embed_fonts=False)
    named = lo_pdf(write_docx(doc, plain), tmp_path / "named", no_noto)
    assert not any(name.startswith("NotoSans") for name in pdf_font_names(named))
