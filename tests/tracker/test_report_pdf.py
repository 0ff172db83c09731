"""The workbook opens in a real spreadsheet program: headless LibreOffice converts it to PDF
(skipped where LibreOffice is not installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine

from demodata.report_sample import sample_data
from tests.tracker.test_report import _report, build_roster
from tracker.reports.workbook import write_xlsx

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.slow,
]


def convert(workbook: Path, tmp_path: Path) -> Path:
    """Convert with a private LibreOffice profile, so parallel runs do not collide."""
    assert SOFFICE
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(workbook)],
        capture_output=True, text=True, timeout=180, check=False)
    pdf = tmp_path / (workbook.stem + ".pdf")
    assert result.returncode == 0, result.stderr
    assert pdf.exists(), f"no PDF: {result.stdout} {result.stderr}"
    return pdf


def test_the_sample_workbook_converts_to_pdf(tmp_path: Path) -> None:
    workbook = tmp_path / "sample.xlsx"
    write_xlsx(sample_data(outstanding_rows=30), workbook)
    pdf = convert(workbook, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 10_000


def test_a_report_from_the_database_converts_to_pdf(engine: Engine, tmp_path: Path) -> None:
    build_roster(engine)
    workbook = tmp_path / "report.xlsx"
    write_xlsx(_report(engine), workbook)
    pdf = convert(workbook, tmp_path)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
        count = int(next(line.split()[-1] for line in info.splitlines()
                         if line.startswith("Pages:")))
        assert count >= 7  # one page at least per sheet
