# reportgen: the service and the queue workers, one image (docs/deploy.md).
# Slim Python, reportgen built as a wheel in a first stage (the package carries its own Noto
# fonts, so the image needs no system fonts for the briefs), run as a non-root user.

FROM python:3.11-slim AS wheel
WORKDIR /src
# The package's templates and example are links into templates/ and facts/: copy all three.
COPY pyproject.toml README.md ./
COPY reportgen ./reportgen
COPY templates ./templates
COPY facts ./facts
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=wheel /wheels /wheels
RUN wheel="$(ls /wheels/reportgen-*.whl)" \
    && python -m pip install "${wheel}[queue]" \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --create-home --home-dir /srv/reportgen reportgen
USER 10001:10001
WORKDIR /srv/reportgen
EXPOSE 8000
# The service's health: 200 when it can render (and reach its broker), 503 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["reportgen", "serve", "--host", "0.0.0.0", "--port", "8000"]
