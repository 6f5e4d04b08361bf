from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "files"
    verbose_name = "Uploaded files"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow warns at MAX_IMAGE_PIXELS and refuses at twice that; our own check (files.uploads) refuses at
        # the limit before decoding, this is the second line for any other code path that opens an image.
        Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS
