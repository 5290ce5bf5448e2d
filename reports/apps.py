import logging

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Committee reports"

    def ready(self):
        # WeasyPrint logs every stylesheet it parses and every page it lays out at INFO; a
        # worker's log needs only its warnings. Set before WeasyPrint is first imported.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
