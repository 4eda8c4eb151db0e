"""index.html: the listing of published briefs, readable on a phone.

Rendered by Jinja2 with autoescape on, so every title, summary and name from facts is text in
the page, never markup. Its content depends only on the published history, so publishing with
nothing changed produces the same bytes (and the file is left alone).
"""

from __future__ import annotations

from datetime import date, datetime

import jinja2

from reportgen.publish.state import DistState, PublishedFile, Version

_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="alternate" type="application/atom+xml" title="{{ title }}" href="{{ url('feed.xml') }}">
<style>
:root { color-scheme: light dark; --muted: #5b6470; --line: #d9dde3; --accent: #1f4e79; }
@media (prefers-color-scheme: dark) {
  :root { --muted: #a5adb8; --line: #3a3f46; --accent: #8cb8e6; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 46rem; padding: 1rem; line-height: 1.5;
       font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; }
header { border-bottom: 2px solid var(--accent); margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
article { border-bottom: 1px solid var(--line); padding: .75rem 0 1rem; display: flow-root; }
img.thumb { float: right; width: 120px; height: auto; margin: 0 0 .5rem 1rem;
            border: 1px solid var(--line); background: #fff; }
@media (max-width: 30rem) { img.thumb { width: 90px; } }
h2 { font-size: 1.2rem; margin: 0 0 .25rem; }
.subtitle, .meta, footer { color: var(--muted); }
.subtitle { margin: 0 0 .25rem; }
.meta { font-size: .9rem; margin: 0 0 .5rem; }
a { color: var(--accent); }
ul.files { list-style: none; padding: 0; margin: .5rem 0; }
ul.files li { margin: .35rem 0; }
a.download { font-weight: 600; }
code { font-size: .75rem; line-height: 1.3; overflow-wrap: anywhere; color: var(--muted); }
details { font-size: .9rem; }
footer { font-size: .85rem; padding: 1rem 0; }
</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
{% if updated %}
<p class="meta">Updated <time datetime="{{ updated }}">{{ updated_text }}</time></p>
{% endif %}
</header>
<main>
{% for v in versions %}
<article id="{{ v.slug }}"{% if v.language %} lang="{{ v.language }}"{% endif %}>
{% if v.thumbnail %}
<a href="{{ url(stable(v, v.files[0])) }}" tabindex="-1"><img class="thumb"
 src="{{ url(v.thumbnail.name) }}" width="{{ v.thumbnail.width // 2 }}"
 height="{{ v.thumbnail.height // 2 }}" alt="First page of {{ v.title }}" loading="lazy"></a>
{% endif %}
<h2>{{ v.title }}</h2>
{% if v.subtitle %}<p class="subtitle">{{ v.subtitle }}</p>{% endif %}
{% if v.date or v.language %}
<p class="meta">
{%- if v.date %}<time datetime="{{ v.date }}">{{ long_date(v.date, v.language) }}</time>{% endif %}
{%- if v.date and v.language %} · {% endif %}
{%- if v.language %}<span class="language">{{ language_name(v) }}</span>{% endif %}</p>
{% endif %}
{% if v.summary %}<p>{{ v.summary }}</p>{% endif %}
<ul class="files">
{% for f in v.files %}
<li><a class="download" href="{{ url(stable(v, f)) }}" type="{{ mime(f) }}"
{%- if v.language and not v.languages %} hreflang="{{ v.language }}"{% endif %}>
{{- f.format | upper }}</a> · {{ size(f.bytes) }}
{%- if f.pages %} · {{ f.pages }} page{{ 's' if f.pages != 1 else '' }}{% endif %}
 · <a href="{{ url(f.name) }}">this version</a><br>
<code>SHA-256 {{ f.sha256 }}</code></li>
{% endfor %}
</ul>
{% set older = earlier(v.slug) %}
{% if older %}
<details>
<summary>Earlier versions ({{ older | length }})</summary>
<ul>
{% for o in older %}
<li>{{ long_date(o.date, o.language) }}, published {{ o.published[:10] }}:
{% for f in o.files %}
<a href="{{ url(f.name) }}">{{ f.format | upper }}</a> ({{ size(f.bytes) }})
{%- if not loop.last %},{% endif %}
{% endfor %}</li>
{% endfor %}
</ul>
</details>
{% endif %}
</article>
{% else %}
<p>Nothing has been published yet.</p>
{% endfor %}
</main>
<footer>
<p><a href="{{ url('feed.xml') }}">Atom feed</a>
{% if versions %}
 · <a href="{{ url('SHA256SUMS') }}">SHA256SUMS</a>
(check with <code>sha256sum -c SHA256SUMS</code>)
{% endif %}
</p>
</footer>
</body>
</html>
"""

_MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def mime_type(fmt: str) -> str:
    """Return the media type of a published format."""
    return _MIME.get(fmt, "application/octet-stream")


def human_size(size: int) -> str:
    """Return a file size for people: `812 bytes`, `245 KB`, `1.4 MB`."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def long_date(iso: str, language: str = "") -> str:
    """Return an ISO date as `28 February 2025`, in `language` when given ("28 फ़रवरी 2025").

    The text comes back unchanged when it is no date.
    """
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    if language:
        from reportgen.numbers import format_date

        return format_date(day, language)
    return f"{day.day} {day:%B %Y}"


def language_name(version: Version) -> str:
    """Return the language(s) of a version in their own words: "हिन्दी", "हिन्दी · English"."""
    from babel import Locale

    codes = version.languages or ((version.language,) if version.language else ())
    names = []
    for code in codes:
        try:
            locale = Locale.parse(code.replace("-", "_"))
        except (ValueError, LookupError):
            names.append(code)
            continue
        name = locale.languages.get(locale.language) or code
        names.append(name[:1].upper() + name[1:])
    return " · ".join(names)


def stable_name(version: Version, file: PublishedFile) -> str:
    """Return the stable (latest) file name of a version's file: `<slug>.<format>`."""
    return f"{version.slug}.{file.format}"


def render_index(state: DistState, title: str, link: object) -> str:
    """Return index.html for the published history; `link(name)` makes each href."""
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.globals.update(
        url=link,
        size=human_size,
        long_date=long_date,
        mime=lambda f: mime_type(f.format),
        stable=stable_name,
        earlier=state.earlier,
        language_name=language_name,
    )
    updated = max((v.published for v in state.versions), default="")
    moment = datetime.fromisoformat(updated) if updated else None
    updated_text = f"{moment.day} {moment:%B %Y, %H:%M} UTC" if moment else ""
    return env.from_string(_TEMPLATE).render(
        title=title,
        versions=state.latest_per_slug(),
        updated=updated,
        updated_text=updated_text,
    )
