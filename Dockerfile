# citecheck: one image for `serve` (dashboard, API, /healthz, /metrics) and `worker`.
# Configuration comes from the environment (CITECHECK_*), see config/citecheck.toml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY checker ./checker
COPY store ./store
COPY config ./config
COPY examples ./examples
RUN pip install ".[browser]" \
    && useradd --system --uid 10001 --home-dir /app citecheck \
    && chown citecheck /app \
    && mkdir -p /var/lib/citecheck/archive && chown citecheck /var/lib/citecheck/archive

USER citecheck
EXPOSE 8080
# SIGTERM makes `serve` and `worker` stop leasing, finish in-flight checks within
# [monitor] shutdown_grace_s and exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["citecheck"]
CMD ["serve"]
