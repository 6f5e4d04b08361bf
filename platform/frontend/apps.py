from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"
    verbose_name = "Giao diện"

    def ready(self):
        """E-mail each new item of the work inbox to its recipients after the writer's commit (core.signals.work_created,
        and a plan cycle created or moved on: core.signals.cycle_changed)."""
        from core import signals
        from frontend import reminders

        signals.work_created.connect(reminders.new_work_announced, dispatch_uid="frontend.new_work")
        signals.cycle_changed.connect(reminders.cycle_moved, dispatch_uid="frontend.cycle_moved")
