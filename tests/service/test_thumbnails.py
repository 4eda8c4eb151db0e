"""The upload page lists the served briefs with a picture of each one's first page."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image

from reportgen.service import create_app
from reportgen.service.settings import ServiceSettings
from tests.conftest import SEED

SLUG = "india-us-critical-minerals"


def test_served_briefs_have_first_page_pictures_on_the_upload_page(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    app = create_app(ServiceSettings(render_mode="thread", facts_dir=tmp_path))
    with TestClient(app) as client:
        page = client.get("/").text
        assert f'<img src="/v1/briefs/{SLUG}.png"' in page
        assert 'alt="First page of India-US Cooperation on Critical Minerals"' in page

        first = client.get(f"/v1/briefs/{SLUG}.png")
        assert first.status_code == 200 and first.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(first.content)) as image:
            assert image.size[0] == 240 and image.size[1] > 240
        etag = first.headers["etag"]
        pdf_etag = client.get(f"/v1/briefs/{SLUG}.pdf").headers["etag"]
        assert etag != pdf_etag
        again = client.get(f"/v1/briefs/{SLUG}.png", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert client.get("/v1/briefs/no-such-brief.png").status_code == 404
