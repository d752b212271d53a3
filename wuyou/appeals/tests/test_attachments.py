import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuyou.appeals.models import Appeal
from wuyou.core.errors import InvalidInput
from wuyou.testing import submit

PNG = (  # a real 1×1 PNG: uploads are decoded before they are accepted
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
    b"\x00\x00\x00\nIDATx\xdac`\x00\x00\x00\x02\x00\x01\xe5'\xde\xfc\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_attachment_saved_and_downloadable_only_by_those_who_see_the_appeal(p):
    a = submit(p, files=[SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")])
    att = a.attachments.get()
    assert att.name == "现场照片.png" and att.content_type == "image/png" and att.size == len(PNG)
    url = reverse("attachment_download", args=[a.pk, att.pk])
    resp = p.client(p.ent_user).get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PNG
    assert p.client(p.competitor_user).get(url).status_code == 404
    assert p.client(p.handler).get(url).status_code == 404  # not dispatched to gdgs


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("run.exe", b"MZ....", "类型不支持"),
        ("fake.pdf", b"not a pdf at all", "内容与扩展名不符"),
        ("empty.png", b"", "空文件"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_saved(p, name, content, message):
    with pytest.raises(InvalidInput, match=message):
        submit(p, files=[SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile(name, content)])
    assert not Appeal.objects.exists()


def test_oversized_attachment_refused(p, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(InvalidInput, match="超过"):
        submit(p, files=[SimpleUploadedFile("big.png", PNG)])
