import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
application = get_wsgi_application()
# Django raises ImproperlyConfigured on reading an empty SECRET_KEY: read it now, so a server
# started without one stops at once rather than failing its first request.
_ = settings.SECRET_KEY
