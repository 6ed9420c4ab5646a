"""``POST /v1/annotate`` on a real ``gkcheck serve``: same token and size limit as /v1/check."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest
from lxml import etree

from .live_server import running_server
from .test_annotate import PAGE, make_docx

TOKEN = "annotate-token-123"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("annotate"), "--max-bytes", "200000",
                        env={"GKCHECK_TOKEN": TOKEN}) as url:
        yield url


def test_annotate_upload_returns_the_marked_copy(base):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    data = make_docx()
    with httpx.Client(base_url=base, timeout=120, headers=auth) as client:
        response = client.post("/v1/annotate", files={"file": ("通知.docx", data)}, data={"fix": "true"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
        assert "filename*=UTF-8''%E9%80%9A%E7%9F%A5.docx" in response.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(response.content)) as z:
            comments = etree.fromstring(z.read("word/comments.xml"))
            body = z.read("word/document.xml")
        assert len(comments) == 1 + int(response.headers["x-gkcheck-anchored"]) + (
            1 if int(response.headers["x-gkcheck-listed"]) else 0)           # + 王五's comment
        assert body.count(b"<w:ins ") == int(response.headers["x-gkcheck-fixed"]) > 0
        page = client.post("/v1/annotate", files={"file": ("a.html", PAGE.encode("gbk"))})
        assert page.status_code == 200 and '<mark class="gkcheck"'.encode() in page.content
        fixed = client.post("/v1/annotate", files={"file": ("a.html", PAGE.encode("gbk"))}, data={"fix": "true"})
        assert fixed.status_code == 200 and "截至目前".encode("gbk") in fixed.content and b"<mark" not in fixed.content
        text = client.post("/v1/annotate", files={"file": ("a.txt", "截止目前".encode())})
        assert text.status_code == 422 and "不支持" in text.json()["detail"]
        json_body = client.post("/v1/annotate", json={"text": "截止目前"})
        assert json_body.status_code == 400
        bad = client.post("/v1/annotate", files={"file": ("a.docx", data)}, data={"fix": "maybe"})
        assert bad.status_code == 400
    assert httpx.post(f"{base}/v1/annotate", files={"file": ("a.docx", data)}).status_code == 401
    too_big = httpx.post(f"{base}/v1/annotate", headers=auth, files={"file": ("a.docx", b"x" * 300000)})
    assert too_big.status_code == 413
