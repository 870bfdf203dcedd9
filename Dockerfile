# Slim, non-root production image. Static files are collected at build time.
# Run it behind nginx (compose.yaml): gunicorn alone is stalled by slow clients.
FROM python:3.12-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# WeasyPrint (the PDF exports) needs Pango, HarfBuzz's subsetter and a font.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 advisor
COPY pyproject.toml README.md ./
COPY advisor ./advisor
RUN pip install .
COPY . .
RUN DJANGO_SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R advisor:advisor /app
USER advisor
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn advisor.wsgi:application"]
