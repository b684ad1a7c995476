from django.db import models


class ReferenceText(models.Model):
    """A published template essay (范文) loaded by an administrator; materials are compared with it."""

    name = models.CharField("文件名", max_length=255, unique=True)
    text = models.TextField("正文")
    loaded_at = models.DateTimeField("载入时间")

    class Meta:
        verbose_name = "范文"
        verbose_name_plural = "范文库"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
