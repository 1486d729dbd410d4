"""Documents policy: allowed types by content type, extension and real bytes; tenant keys."""

from __future__ import annotations

import io
import uuid

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from shared.adapters.local.virus_scan import NoOpVirusScanner
from shared.core.common.errors import InputError
from shared.core.operations.errors import DocumentRejectedError
from shared.core.operations.model.documents import (
    DocumentStatus,
    check_document_key,
    check_upload_request,
    check_uploaded,
    default_document_policy,
    document_key,
    safe_filename,
    status_after_scan,
)
from shared.core.operations.ports import ScanResult, ScanVerdict

POLICY = default_document_policy()
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["well", "oil_bbl"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        (PDF, PDF_BYTES),
        ("image/png", _image("PNG")),
        ("image/jpeg", _image("JPEG")),
        ("image/tiff", _image("TIFF")),
        (XLSX, _xlsx()),
        ("text/csv", "well,oil\nSmith 4H,12.5\nMüller 1,3\n".encode()),
        ("text/csv; charset=utf-8", b"a,b\n1,2\n"),
    ],
)
def test_real_files_of_allowed_types_pass(content_type, data):
    kind = check_uploaded(content_type, len(data), data[:512], POLICY)
    assert content_type.startswith(kind.content_type)


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        (PDF, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60),  # a Windows executable
        ("image/png", _image("JPEG")),  # the wrong image type
        ("image/jpeg", b"\x7fELF\x02\x01\x01" + b"\x00" * 40),
        ("text/plain", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("text/csv", b"  <svg onload=alert(1)>"),
        ("text/csv", b"a,b\n\x00\x01\x02"),
        ("text/plain", b"\xff\xfe\xfa not utf-8 at all, and more text after it"),
        (XLSX, PDF_BYTES),
    ],
)
def test_content_that_does_not_match_its_declared_type_is_refused(content_type, data):
    with pytest.raises(DocumentRejectedError) as caught:
        check_uploaded(content_type, len(data), data, POLICY)
    assert caught.value.field == "file"
    assert isinstance(caught.value, InputError)  # a 4xx naming the field


def test_a_text_sample_cut_inside_a_character_still_passes():
    data = ("é" * 300).encode()  # two bytes each: a 511-byte sample ends inside the 256th
    assert check_uploaded("text/plain", len(data), data[:511], POLICY).text


def test_forbidden_types_sizes_and_names_are_refused_before_upload():
    cases = [
        (("application/x-msdownload", 10, "setup.exe"), "content_type"),
        (("text/html", 10, "a.html"), "content_type"),
        ((PDF, 0, "a.pdf"), "size"),
        ((PDF, 50 * 1024 * 1024 + 1, "a.pdf"), "size"),
        (("text/plain", 6 * 1024 * 1024, "a.txt"), "size"),
        ((PDF, 10, "permit.pdf.exe"), "filename"),
        ((PDF, 10, "permit"), "filename"),
    ]
    for (content_type, size, name), field in cases:
        with pytest.raises(DocumentRejectedError) as caught:
            check_upload_request(content_type, size, name, POLICY)
        assert caught.value.field == field, (content_type, size, name)
    assert check_upload_request(PDF, 10, "W-1 Permit.PDF", POLICY).content_type == PDF


def test_a_hostile_file_name_is_kept_for_display_only_and_defanged():
    shown = safe_filename("..\\..\\windows/system32/\u202eevil\u200bfdp.exe")
    assert shown == "evilfdp.exe"
    assert safe_filename("  \x00\x1f ") == "document"
    long = safe_filename("a" * 500 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")


def test_keys_are_built_per_tenant_and_owner_and_parsed_back():
    doc = str(uuid.uuid4())
    kind = POLICY.type_of(PDF)
    key = document_key("acme-oil", "permit", "p-12", doc, kind, POLICY)
    assert key == f"tenants/acme-oil/documents/permit/p-12/{doc}.pdf"
    parsed = check_document_key(key, "acme-oil", POLICY)
    assert (parsed.owner_kind, parsed.owner_id, parsed.document_id) == ("permit", "p-12", doc)


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("tenants/other-co/documents/well/w1/{doc}.pdf", "blob_key"),
        ("tenants/acme-oil/documents/well/../{doc}.pdf", "owner_id"),
        ("tenants/acme-oil/photos/well/w1/{doc}.pdf", "blob_key"),
        ("tenants/acme-oil/documents/bank/w1/{doc}.pdf", "owner_kind"),
        ("tenants/acme-oil/documents/well/w1/not-a-uuid.pdf", "document_id"),
        ("tenants/acme-oil/documents/well/w1/{doc}.exe", "blob_key"),
        ("tenants/acme-oil/documents/well/w1/x/{doc}.pdf", "blob_key"),
    ],
)
def test_a_key_of_another_tenant_or_shape_is_refused(key, field):
    with pytest.raises(DocumentRejectedError) as caught:
        check_document_key(key.format(doc=uuid.uuid4()), "acme-oil", POLICY)
    assert caught.value.field == field


@given(
    slug=st.from_regex(r"[a-z][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True),
    owner=st.sampled_from(POLICY.owners),
    owner_id=st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
    doc=st.uuids(),
    kind=st.sampled_from(POLICY.types),
)
def test_every_key_built_parses_back_to_its_parts_and_no_other_tenant(
    slug, owner, owner_id, doc, kind
):
    key = document_key(slug, owner, owner_id, str(doc), kind, POLICY)
    parsed = check_document_key(key, slug, POLICY)
    assert (parsed.tenant_slug, parsed.owner_kind, parsed.owner_id) == (slug, owner, owner_id)
    with pytest.raises(DocumentRejectedError):
        check_document_key(key, slug + "x", POLICY)


def test_the_scan_verdict_decides_whether_a_document_is_served():
    assert status_after_scan(ScanResult(ScanVerdict.CLEAN, "clamav")) is DocumentStatus.AVAILABLE
    infected = ScanResult(ScanVerdict.INFECTED, "clamav", "Eicar-Test-Signature")
    assert status_after_scan(infected) is DocumentStatus.QUARANTINED
    # the no-op adapter never claims a file is clean
    result = NoOpVirusScanner().scan("tenants/a/documents/well/w/x.pdf", PDF_BYTES)
    assert (result.verdict, result.engine) == (ScanVerdict.NOT_SCANNED, "none")
    assert status_after_scan(result) is DocumentStatus.UNSCANNED
