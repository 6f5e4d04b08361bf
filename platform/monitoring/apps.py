from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Theo dõi và đánh giá"

    def ready(self):
        from monitoring.file_kinds import register_kinds

        register_kinds()
