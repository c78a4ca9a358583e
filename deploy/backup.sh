#!/usr/bin/env sh
# Back up the compose stack: a PostgreSQL dump (made in the postgres container,
# whose pg_dump matches the server) and the manifest of every media object.
#   deploy/backup.sh            # writes backups/heforshe-<time>.dump and .media.json
# Restore drill (into a fresh database, then point DATABASE_URL at it):
#   docker compose exec -T postgres createdb -U heforshe heforshe_restored
#   docker compose exec -T postgres pg_restore -U heforshe -d heforshe_restored --no-owner --exit-on-error < backups/FILE.dump
#   docker compose exec -T web sh -c 'cat > /tmp/m.json && python manage.py backup --verify /tmp/m.json' < backups/FILE.media.json
set -eu
cd "$(dirname "$0")/.."
mkdir -p backups
stamp=$(date -u +%Y%m%dT%H%M%SZ)
docker compose exec -T postgres pg_dump -U heforshe -d heforshe --format=custom --no-owner --no-privileges \
  > "backups/heforshe-$stamp.dump"
docker compose exec -T web python manage.py backup --media-only --output /tmp/backup >/dev/null
docker compose exec -T web sh -c 'cat /tmp/backup/*.media.json && rm -rf /tmp/backup' > "backups/heforshe-$stamp.media.json"
echo "backups/heforshe-$stamp.dump backups/heforshe-$stamp.media.json"
