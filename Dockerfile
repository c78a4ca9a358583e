# One image for web, worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# Share cards: Noto fonts for Latin, Cyrillic and Arabic, Noto CJK for Chinese; FriBiDi for
# Pillow's Raqm layout, which shapes Arabic right to left (heforshe/lib/shareimage.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 curl fonts-noto-core fonts-noto-cjk libfribidi0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 heforshe

WORKDIR /app
# The demo generator's packages (requirements-demo.txt) only with --build-arg WITH_DEMO=true.
ARG WITH_DEMO=false
COPY requirements.txt requirements-demo.txt ./
RUN pip install -r requirements.txt \
    && if [ "$WITH_DEMO" = "true" ]; then pip install -r requirements-demo.txt; fi
COPY --chown=heforshe:heforshe . .

# Static files and compiled translations are baked into the image; the
# collectstatic run needs production settings but no database, so placeholders do.
RUN python manage.py compile_translations \
    && DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
       python manage.py collectstatic --noinput \
    && mkdir -p /data/media /data/tus /srv/static && chown -R heforshe:heforshe /data /srv/static /app

USER heforshe
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# gthread workers: a slow request (the last chunk of a 2 GB upload handed to
# storage) is not killed by --timeout, which only watches for hung workers.
CMD ["gunicorn", "heforshe.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "2", "--timeout", "60", "--keep-alive", "75", "--access-logfile", "-"]
