"""gunicorn settings: `gunicorn -c tracker/gunicorn.py tracker.wsgi`. Each may be overridden
by the environment (GUNICORN_WORKERS, PORT, ...)."""

import os

# Behind the reverse proxy by default; set HOST=0.0.0.0 to listen on every interface.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# One request at a time per process (gunicorn's sync worker) unless GUNICORN_THREADS says
# otherwise: waiting requests queue in the kernel for whichever process is free. With threads,
# a kept-alive connection stays with the process that took it, so one process collected two
# thirds of the load test's work while the other idled (p95 230 ms for the tracker against
# 160 ms without). Sync workers need the buffering reverse proxy docs/deploy.md puts in front.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Longer than a browser's (or a proxy's) pause between requests, so the server does not close
# a kept-alive connection just as the next request arrives on it (seen as connection resets).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "10"))
max_requests = 2000  # recycle workers now and then, so a slow leak cannot grow for ever
max_requests_jitter = 200
accesslog = "-"
access_log_format = 'time=%(t)s level=INFO logger=access method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
