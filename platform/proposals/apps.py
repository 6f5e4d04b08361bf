from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "Đề xuất"

    def ready(self):
        from proposals.file_kinds import register_kinds

        register_kinds()
