import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heforshe.settings")
_full = get_wsgi_application()

from heforshe.lean import LeanWSGIHandler, dispatching_application  # noqa: E402 - needs the settings set up

application = dispatching_application(_full, LeanWSGIHandler())
