"""The interactive API documentation (/docs, Swagger UI; /redoc, ReDoc) served from the package.

FastAPI's own pages load their script, style and fonts from CDNs, so they are blank on an
air-gapped network, as government networks often are. The assets come from the
fastapi-offline package instead and are served under /static/apidocs; nothing is fetched from
elsewhere, fonts included.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/static/apidocs"

# The pages may load from this origin only. ReDoc's menu shows a logo from the vendor's CDN;
# the policy keeps the browser from even asking (the pages' own scripts are inline, and ReDoc
# runs its search in a worker made from a blob).
OFFLINE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)


def _offline(page: HTMLResponse) -> HTMLResponse:
    """Return `page` with the policy that keeps it on this origin."""
    page.headers["Content-Security-Policy"] = OFFLINE_POLICY
    return page


def assets_dir() -> Path:
    """Return the folder holding swagger-ui-bundle.js, swagger-ui.css and redoc.standalone.js."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def install_api_docs(app: FastAPI) -> None:
    """Add /docs, its OAuth2 redirect and /redoc to `app` (created with docs_url=None)."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="apidocs")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _offline(
            get_swagger_ui_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{title} - API documentation",
                oauth2_redirect_url=f"{root}/docs/oauth2-redirect",
                swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            )
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _offline(
            get_redoc_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{title} - API reference",
                redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )
