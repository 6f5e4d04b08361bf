from django.apps import AppConfig


class ProvinceConfig(AppConfig):
    name = "province"
    verbose_name = "Tỉnh: lịch kế hoạch"
